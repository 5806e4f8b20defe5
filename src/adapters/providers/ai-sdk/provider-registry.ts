import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createAzure } from '@ai-sdk/azure';
import { createCohere } from '@ai-sdk/cohere';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createVertex } from '@ai-sdk/google-vertex';
import { createGroq } from '@ai-sdk/groq';
import { createMistral } from '@ai-sdk/mistral';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV3, LanguageModelV3, RerankingModelV3 } from '@ai-sdk/provider';
import { LoreError } from '../../../core/errors.js';
import type { EmbeddingPurpose } from '../../../ports/embedder.port.js';
import { parseProviderURL } from '../openai-compatible/provider-errors.js';

import { embeddingProviderNames, type ProviderName, providerNames } from './provider-names.js';

export {
  apiKeyVariable,
  chatProviderNames,
  embeddingProviderNames,
  type ProviderName,
  providerNames,
  rerankProviderNames,
} from './provider-names.js';

/** Everything needed to reach one model of one provider. Secrets are already resolved from config. */
export interface ProviderConnection {
  provider: ProviderName;
  model: string;
  /** Overrides the provider's endpoint (proxies, gateways, tests). Required for `openai-compatible`. */
  baseURL?: string;
  apiKey?: string;
  /** The settings that can hold the key, quoted in messages, e.g. `LORE_LLM_API_KEY or ANTHROPIC_API_KEY`. */
  apiKeySetting?: string;
  azure?: { resourceName?: string; apiVersion?: string };
  aws?: {
    region?: string;
    /** Static credentials; without them the AWS default chain (env, profile, ECS/EC2 roles, SSO) is used. */
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  };
  vertex?: { project?: string; location?: string };
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch;
}

interface ProviderInfo {
  /** Human name used in messages; undefined for self-hosted servers ("the chat server at URL"). */
  service: string | undefined;
  /** The key's provider-specific variable. */
  keyVariable: string | undefined;
  defaultURL: (connection: ProviderConnection) => string;
  /** Largest batch the provider documents for one embeddings request. */
  maxEmbeddingBatch: number;
}

const providerInfo: Record<ProviderName, ProviderInfo> = {
  openai: info('OpenAI', 'OPENAI_API_KEY', () => 'https://api.openai.com/v1', 2048),
  azure: info(
    'Azure OpenAI',
    'AZURE_API_KEY',
    (c) => `https://${c.azure?.resourceName ?? '<AZURE_RESOURCE_NAME>'}.openai.azure.com/openai`,
    2048,
  ),
  anthropic: info('Anthropic', 'ANTHROPIC_API_KEY', () => 'https://api.anthropic.com/v1', 0),
  google: info(
    'Google Gemini',
    'GOOGLE_GENERATIVE_AI_API_KEY',
    () => 'https://generativelanguage.googleapis.com/v1beta',
    100,
  ),
  vertex: info(
    'Google Vertex AI',
    undefined,
    (c) => `https://${c.vertex?.location ?? 'us-central1'}-aiplatform.googleapis.com`,
    250,
  ),
  cohere: info('Cohere', 'COHERE_API_KEY', () => 'https://api.cohere.com/v2', 96),
  bedrock: info(
    'Amazon Bedrock',
    undefined,
    (c) => `https://bedrock-runtime.${c.aws?.region ?? '<AWS_REGION>'}.amazonaws.com`,
    2048,
  ),
  mistral: info('Mistral', 'MISTRAL_API_KEY', () => 'https://api.mistral.ai/v1', 32),
  groq: info('Groq', 'GROQ_API_KEY', () => 'https://api.groq.com/openai/v1', 0),
  'openai-compatible': info(undefined, undefined, (c) => c.baseURL ?? '', 2048),
  ollama: info(undefined, undefined, () => 'http://localhost:11434/v1', 2048),
};

function info(
  service: string | undefined,
  keyVariable: string | undefined,
  defaultURL: (connection: ProviderConnection) => string,
  maxEmbeddingBatch: number,
): ProviderInfo {
  return { service, keyVariable, defaultURL, maxEmbeddingBatch };
}

/** The provider's human name (undefined for self-hosted OpenAI-compatible servers). */
export function serviceName(provider: ProviderName): string | undefined {
  return providerInfo[provider].service;
}

/** Largest embeddings batch the provider accepts in one request. */
export function maxEmbeddingBatch(provider: ProviderName): number {
  return providerInfo[provider].maxEmbeddingBatch;
}

/** The endpoint a connection talks to, without credentials or query (safe to print). */
export function displayURL(connection: ProviderConnection): string {
  if (connection.baseURL) return parseProviderURL(connection.baseURL, 'chat').baseURL;
  return providerInfo[connection.provider].defaultURL(connection);
}

/** What error messages about a connection quote: the service, the endpoint, the model, the key setting. */
export function connectionErrorContext(connection: ProviderConnection) {
  const service = serviceName(connection.provider);
  return {
    ...(service ? { service } : {}),
    url: displayURL(connection),
    model: connection.model,
    apiKey: connection.apiKey,
    apiKeySetting: connection.apiKeySetting ?? 'the API key setting',
  };
}

/** Stable model id used for vectors, usage and prices: `provider:model`. */
export function modelId(connection: Pick<ProviderConnection, 'provider' | 'model'>): string {
  return `${connection.provider}:${connection.model}`;
}

/** An AI SDK chat model for the connection. */
export function createChatModel(connection: ProviderConnection): LanguageModelV3 {
  check(connection, 'chat');
  const c = connection;
  switch (c.provider) {
    case 'openai':
      return createOpenAI(common(c)).chat(c.model);
    case 'azure':
      return createAzure(azureSettings(c)).chat(c.model);
    case 'anthropic':
      return createAnthropic(common(c)).languageModel(c.model);
    case 'google':
      return createGoogleGenerativeAI(common(c)).languageModel(c.model);
    case 'vertex':
      return createVertex(vertexSettings(c)).languageModel(c.model);
    case 'cohere':
      return createCohere(common(c)).languageModel(c.model);
    case 'bedrock':
      return createAmazonBedrock(bedrockSettings(c)).languageModel(c.model);
    case 'mistral':
      return createMistral(common(c)).languageModel(c.model);
    case 'groq':
      return createGroq(common(c)).languageModel(c.model);
    case 'openai-compatible':
    case 'ollama':
      return createOpenAICompatible({ ...compatibleSettings(c, 'lore-chat'), includeUsage: true }).chatModel(
        c.model,
      );
  }
}

/** An AI SDK embedding model for the connection. */
export function createEmbeddingModel(connection: ProviderConnection): EmbeddingModelV3 {
  check(connection, 'embedding');
  const c = connection;
  switch (c.provider) {
    case 'openai':
      return createOpenAI(common(c)).embeddingModel(c.model);
    case 'azure':
      return createAzure(azureSettings(c)).embeddingModel(c.model);
    case 'google':
      return createGoogleGenerativeAI(common(c)).embeddingModel(c.model);
    case 'vertex':
      return createVertex(vertexSettings(c)).textEmbeddingModel(c.model);
    case 'cohere':
      return createCohere(common(c)).embeddingModel(c.model);
    case 'bedrock':
      return createAmazonBedrock(bedrockSettings(c)).embeddingModel(c.model);
    case 'mistral':
      return createMistral(common(c)).textEmbeddingModel(c.model);
    case 'openai-compatible':
    case 'ollama':
      return createOpenAICompatible(compatibleSettings(c, 'lore-embedding')).embeddingModel(c.model);
    default:
      throw new LoreError(
        'invalid_config',
        `${serviceName(c.provider) ?? c.provider} has no embedding models; choose one of ${embeddingProviderNames.join(', ')}.`,
      );
  }
}

/** An AI SDK reranking model for the connection (Cohere Rerank or Bedrock rerank models). */
export function createRerankingModel(connection: ProviderConnection): RerankingModelV3 {
  check(connection, 'rerank');
  const c = connection;
  if (c.provider === 'cohere') return createCohere(common(c)).rerankingModel(c.model);
  if (c.provider === 'bedrock') return createAmazonBedrock(bedrockSettings(c)).rerankingModel(c.model);
  throw new LoreError(
    'invalid_config',
    `${serviceName(c.provider) ?? c.provider} has no reranking models; choose cohere, bedrock or local-onnx.`,
  );
}

/** Provider options that tell the provider whether it embeds a query or a document, plus dimensions. */
export function embeddingProviderOptions(
  provider: ProviderName,
  purpose: EmbeddingPurpose,
  dimensions: number | undefined,
): Record<string, Record<string, string | number>> {
  const withDimensions = (key: string, name = 'dimensions') =>
    dimensions === undefined ? {} : { [key]: { [name]: dimensions } };
  switch (provider) {
    case 'cohere':
      return { cohere: { inputType: purpose === 'query' ? 'search_query' : 'search_document' } };
    case 'google':
    case 'vertex':
      return {
        [provider]: {
          taskType: purpose === 'query' ? 'RETRIEVAL_QUERY' : 'RETRIEVAL_DOCUMENT',
          ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
        },
      };
    case 'openai':
    case 'azure':
      return withDimensions('openai');
    case 'openai-compatible':
    case 'ollama':
      return withDimensions('openaiCompatible');
    case 'bedrock':
      return withDimensions('bedrock');
    default:
      return {};
  }
}

function check(connection: ProviderConnection, role: 'chat' | 'embedding' | 'rerank'): void {
  if (!providerNames.includes(connection.provider)) {
    throw new LoreError(
      'invalid_config',
      `Unknown ${role} provider "${connection.provider}"; choose one of ${providerNames.join(', ')}.`,
    );
  }
  if (connection.model.trim() === '') {
    throw new LoreError('invalid_config', `The ${role} model name is empty.`);
  }
  if (connection.baseURL) parseProviderURL(connection.baseURL, role);
  const info = providerInfo[connection.provider];
  const needsKey = info.keyVariable !== undefined && !(connection.provider === 'azure' && connection.baseURL);
  if (needsKey && !connection.apiKey) {
    const settings = connection.apiKeySetting ?? info.keyVariable;
    throw new LoreError(
      'invalid_config',
      `The ${role} provider ${info.service} needs an API key: set ${settings} (or ${info.keyVariable}_FILE with the path of a file holding it).`,
    );
  }
  if (connection.provider === 'azure' && !connection.baseURL && !connection.azure?.resourceName) {
    throw new LoreError(
      'invalid_config',
      `The ${role} provider Azure OpenAI needs the resource name (AZURE_RESOURCE_NAME) or a base URL.`,
    );
  }
  if (connection.provider === 'openai-compatible' && !connection.baseURL) {
    throw new LoreError('invalid_config', `The ${role} provider openai-compatible needs a base URL.`);
  }
}

function common(c: ProviderConnection) {
  return {
    ...(c.baseURL ? { baseURL: parseProviderURL(c.baseURL, 'chat').baseURL } : {}),
    ...(c.apiKey ? { apiKey: c.apiKey } : {}),
    ...(c.fetch ? { fetch: c.fetch } : {}),
  };
}

function compatibleSettings(c: ProviderConnection, name: string) {
  const url = parseProviderURL(c.baseURL ?? providerInfo[c.provider].defaultURL(c), 'chat');
  return {
    name,
    baseURL: url.baseURL,
    ...(url.queryParams ? { queryParams: url.queryParams } : {}),
    ...(c.apiKey ? { apiKey: c.apiKey } : {}),
    ...(c.fetch ? { fetch: c.fetch } : {}),
  };
}

function azureSettings(c: ProviderConnection) {
  return {
    ...common(c),
    ...(c.azure?.resourceName && !c.baseURL ? { resourceName: c.azure.resourceName } : {}),
    ...(c.azure?.apiVersion ? { apiVersion: c.azure.apiVersion } : {}),
  };
}

function vertexSettings(c: ProviderConnection) {
  return {
    ...common(c),
    ...(c.vertex?.project ? { project: c.vertex.project } : {}),
    ...(c.vertex?.location ? { location: c.vertex.location } : {}),
  };
}

function bedrockSettings(c: ProviderConnection) {
  const credentials = c.aws?.credentials;
  return {
    ...common(c),
    ...(c.aws?.region ? { region: c.aws.region } : {}),
    ...(credentials
      ? {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
        }
      : c.apiKey
        ? {}
        : { credentialProvider: awsDefaultChain() }),
  };
}

/** The AWS SDK's default credential chain (env, shared profile, SSO, ECS task role, EC2 instance role), loaded on first use. */
function awsDefaultChain() {
  let provider:
    | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>)
    | undefined;
  return async () => {
    if (!provider) {
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      provider = fromNodeProviderChain();
    }
    try {
      const credentials = await provider();
      return {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      };
    } catch (error) {
      throw new LoreError(
        'invalid_config',
        'Amazon Bedrock needs AWS credentials: none were found in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ' +
          'the shared profile (AWS_PROFILE), SSO, or an ECS task / EC2 instance role.',
        { cause: error },
      );
    }
  };
}
