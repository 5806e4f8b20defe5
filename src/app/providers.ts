import { AiSdkEmbedder } from '../adapters/providers/ai-sdk/ai-sdk.embedder.js';
import { AiSdkLanguageModel } from '../adapters/providers/ai-sdk/ai-sdk.language-model.js';
import { AiSdkReranker } from '../adapters/providers/ai-sdk/ai-sdk.reranker.js';
import {
  apiKeyVariable,
  type ProviderConnection,
  type ProviderName,
} from '../adapters/providers/ai-sdk/provider-registry.js';
import { LocalOnnxEmbedder } from '../adapters/providers/embed/local-onnx.embedder.js';
import { FallbackLanguageModel } from '../adapters/providers/llm/fallback.language-model.js';
import { LocalGgufLanguageModel } from '../adapters/providers/llm/local-gguf.language-model.js';
import { LocalCrossEncoderReranker } from '../adapters/providers/rerank/local-cross-encoder.reranker.js';
import type { LoreConfig } from '../config/config.schema.js';
import type { EmbeddingProfile } from '../config/provider-config.schema.js';
import { chatProvider } from '../config/provider-settings.js';
import type { ModelRoutes } from '../core/answer/model-routing.js';
import { LoreError } from '../core/errors.js';
import type { Embedder } from '../ports/embedder.port.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import type { Reranker } from '../ports/reranker.port.js';

type ChatProvider = NonNullable<LoreConfig['llmProvider']>;

/** The config key holding each provider's own API key. */
const providerKeys: Partial<Record<ProviderName, keyof LoreConfig>> = {
  openai: 'openaiApiKey',
  azure: 'azureApiKey',
  anthropic: 'anthropicApiKey',
  google: 'googleApiKey',
  cohere: 'cohereApiKey',
  mistral: 'mistralApiKey',
  groq: 'groqApiKey',
};

/**
 * The key for one role: the role's own setting (LORE_LLM_API_KEY...) beats the provider's variable
 * (ANTHROPIC_API_KEY...). The role settings fall back to OPENAI_API_KEY for compatibility; that
 * value is only sent to OpenAI-style servers, never to another vendor.
 */
function keyFor(
  config: LoreConfig,
  provider: ProviderName,
  roleKey: string | undefined,
  roleSetting: string,
): Pick<ProviderConnection, 'apiKey' | 'apiKeySetting'> {
  const openaiStyle = provider === 'openai' || provider === 'openai-compatible' || provider === 'ollama';
  const explicit =
    roleKey !== undefined && (openaiStyle || roleKey !== config.openaiApiKey) ? roleKey : undefined;
  const own = providerKeys[provider];
  const apiKey = explicit ?? (own ? (config[own] as string | undefined) : undefined);
  const variable = apiKeyVariable(provider);
  return {
    ...(apiKey ? { apiKey } : {}),
    apiKeySetting: variable && variable !== roleSetting ? `${roleSetting} or ${variable}` : roleSetting,
  };
}

/** Cloud settings shared by every role. */
function cloud(config: LoreConfig): Pick<ProviderConnection, 'azure' | 'aws' | 'vertex'> {
  return {
    azure: {
      ...(config.azureResourceName ? { resourceName: config.azureResourceName } : {}),
      ...(config.azureApiVersion ? { apiVersion: config.azureApiVersion } : {}),
    },
    aws: config.awsRegion ? { region: config.awsRegion } : {},
    vertex: {
      ...(config.vertexProject ? { project: config.vertexProject } : {}),
      ...(config.vertexLocation ? { location: config.vertexLocation } : {}),
    },
  };
}

/** One chat model of the given provider (routing and fallback are layered on top). */
function chatModel(
  config: LoreConfig,
  provider: ChatProvider,
  model: string | undefined,
  baseURL: string | undefined,
): LanguageModel {
  if (provider === 'none')
    throw new LoreError('invalid_config', 'No chat provider is configured (LORE_LLM_PROVIDER).');
  if (provider === 'local-gguf') {
    // For local-gguf the role's model setting is the file (LORE_LLM_MODEL_PATH for the main model).
    return new LocalGgufLanguageModel({
      modelPath: model ?? '',
      timeoutMs: config.llmTimeoutMs,
    });
  }
  return AiSdkLanguageModel.connect(
    {
      provider,
      model: model ?? '',
      ...(baseURL ? { baseURL } : {}),
      ...keyFor(config, provider, config.llmApiKey, 'LORE_LLM_API_KEY'),
      ...cloud(config),
    },
    { timeoutMs: config.llmTimeoutMs, retry: { maxRetries: config.llmMaxRetries } },
  );
}

/** The fallback model, when one is configured. */
function fallbackModel(config: LoreConfig): LanguageModel | undefined {
  if (!config.llmFallbackModel) return undefined;
  const main = chatProvider(config);
  const provider = config.llmFallbackProvider ?? main;
  const baseURL = config.llmFallbackBaseUrl ?? (provider === main ? config.llmBaseUrl : undefined);
  return chatModel(config, provider, config.llmFallbackModel, baseURL);
}

/** The configured (large) chat model, with its fallback; undefined for extractive answers. */
export function createLanguageModel(config: LoreConfig): LanguageModel | undefined {
  const provider = chatProvider(config);
  if (provider === 'none') return undefined;
  const model = provider === 'local-gguf' ? config.llmModelPath : config.llmModel;
  const large = chatModel(config, provider, model, config.llmBaseUrl);
  const fallback = fallbackModel(config);
  return fallback ? new FallbackLanguageModel([large, fallback]) : large;
}

/**
 * The small/large pair and the routing rule, or undefined without a chat model. A failing small
 * model hands over to the large one (then to the fallback).
 */
export function createModelRoutes(config: LoreConfig, large?: LanguageModel): ModelRoutes | undefined {
  const largeModel = large ?? createLanguageModel(config);
  if (!largeModel) return undefined;
  const rule = { maxSmallWords: config.llmRoutingMaxWords, default: config.llmRouting };
  if (!config.llmSmallModel) return { large: largeModel, rule };
  const main = chatProvider(config);
  const provider = config.llmSmallProvider ?? main;
  const baseURL = config.llmSmallBaseUrl ?? (provider === main ? config.llmBaseUrl : undefined);
  const small = new FallbackLanguageModel([
    chatModel(config, provider, config.llmSmallModel, baseURL),
    largeModel,
  ]);
  return { large: largeModel, small, rule };
}

/** The `default` embedding profile: the LORE_EMBEDDER settings. */
export function defaultEmbeddingProfile(config: LoreConfig): EmbeddingProfile | undefined {
  if (config.embedder === 'none') return undefined;
  return {
    provider: config.embedder,
    ...(config.embeddingModel ? { model: config.embeddingModel } : {}),
    ...(config.embeddingBaseUrl ? { baseUrl: config.embeddingBaseUrl } : {}),
    ...(config.embeddingModelPath ? { modelPath: config.embeddingModelPath } : {}),
    ...(config.embeddingDimensions ? { dimensions: config.embeddingDimensions } : {}),
  };
}

/** Every embedding profile by name, `default` included when LORE_EMBEDDER is set. */
export function embeddingProfiles(config: LoreConfig): Record<string, EmbeddingProfile> {
  const fallback = defaultEmbeddingProfile(config);
  return { ...(fallback ? { default: fallback } : {}), ...config.embeddingProfiles };
}

/** The embedder of a named profile. */
export function createProfileEmbedder(config: LoreConfig, name: string): Embedder {
  const profile = embeddingProfiles(config)[name];
  if (!profile)
    throw new LoreError('invalid_config', `No embedding profile "${name}" (LORE_EMBEDDING_PROFILES).`);
  const prefixes = {
    ...(profile.queryPrefix ? { queryPrefix: profile.queryPrefix } : {}),
    ...(profile.documentPrefix ? { documentPrefix: profile.documentPrefix } : {}),
  };
  if (profile.provider === 'local-onnx') {
    return new LocalOnnxEmbedder({
      folder: profile.modelPath ?? '',
      maxBatchSize: config.embeddingBatchSize,
      ...prefixes,
    });
  }
  return AiSdkEmbedder.connect(
    {
      provider: profile.provider,
      model: profile.model ?? '',
      ...(profile.baseUrl ? { baseURL: profile.baseUrl } : {}),
      ...keyFor(config, profile.provider, config.embeddingApiKey, 'LORE_EMBEDDING_API_KEY'),
      ...cloud(config),
    },
    {
      maxBatchSize: config.embeddingBatchSize,
      retry: { maxRetries: config.llmMaxRetries },
      ...(profile.dimensions ? { dimensions: profile.dimensions } : {}),
      ...prefixes,
    },
  );
}

/** The configured embedder (LORE_EMBEDDING_PROFILE), or undefined for lexical-only retrieval. */
export function createEmbedder(config: LoreConfig): Embedder | undefined {
  const profiles = embeddingProfiles(config);
  if (!profiles[config.embeddingProfile]) return undefined;
  return createProfileEmbedder(config, config.embeddingProfile);
}

/** The configured reranker, or undefined. */
export function createReranker(config: LoreConfig): Reranker | undefined {
  switch (config.reranker) {
    case 'none':
      return undefined;
    case 'local-onnx':
      return new LocalCrossEncoderReranker({ folder: config.rerankModelPath ?? '' });
    case 'cohere':
    case 'bedrock':
      return AiSdkReranker.connect(
        {
          provider: config.reranker,
          model: config.rerankModel ?? '',
          ...(config.rerankBaseUrl ? { baseURL: config.rerankBaseUrl } : {}),
          ...keyFor(config, config.reranker, config.rerankApiKey, 'LORE_RERANK_API_KEY'),
          ...cloud(config),
        },
        { retry: { maxRetries: config.llmMaxRetries } },
      );
  }
}
