import { z } from 'zod';
import { chatProviderNames, rerankProviderNames } from '../adapters/providers/ai-sdk/provider-names.js';
import { queryTransforms } from '../core/search/query-transform.js';

/*
 * Settings of the model providers (chat, embedding, rerank), their secrets, routing, prices and query
 * transforms. Spread into `configSchema` / `envNames` in config.schema.ts.
 */

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A JSON-valued setting checked against a schema; the message names what is wrong. */
function json<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .trim()
    .transform((text, context): unknown => {
      if (text === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        context.addIssue({ code: 'custom', message: `not valid JSON (${(error as Error).message})` });
        return z.NEVER;
      }
    })
    .pipe(schema.optional())
    .optional();
}

const chatProvider = z.enum([...chatProviderNames, 'local-gguf', 'none']);

/** One named embedding model a collection (or the whole deployment) can use. */
export const embeddingProfileSchema = z.object({
  provider: z.enum([
    'openai',
    'azure',
    'google',
    'vertex',
    'cohere',
    'bedrock',
    'mistral',
    'openai-compatible',
    'ollama',
    'local-onnx',
  ]),
  model: z.string().min(1).optional(),
  baseUrl: z.string().url().optional(),
  modelPath: z.string().min(1).optional(),
  dimensions: z.number().int().positive().optional(),
  queryPrefix: z.string().optional(),
  documentPrefix: z.string().optional(),
});
export type EmbeddingProfile = z.infer<typeof embeddingProfileSchema>;

const priceSchema = z.record(
  z.string(),
  z.object({ input: z.number().min(0), output: z.number().min(0) }).strict(),
);

export const providerConfigShape = {
  llmProvider: chatProvider
    .optional()
    .describe(
      'LORE_LLM_PROVIDER: chat provider: openai, azure, anthropic, google, vertex, cohere, bedrock, mistral, groq, openai-compatible, ollama, local-gguf or none (default: openai-compatible when LORE_LLM_BASE_URL is set, else none = extractive answers)',
    ),
  llmModelPath: optionalText.describe('LORE_LLM_MODEL_PATH: GGUF file for LORE_LLM_PROVIDER=local-gguf'),
  llmMaxRetries: integer(0, 10)
    .default(2)
    .describe(
      'LORE_LLM_MAX_RETRIES: retries of a provider call on 429/5xx/network errors (jittered backoff, Retry-After honoured)',
    ),
  llmSmallProvider: chatProvider
    .optional()
    .describe('LORE_LLM_SMALL_PROVIDER: provider of the small chat model (default: LORE_LLM_PROVIDER)'),
  llmSmallModel: optionalText.describe(
    'LORE_LLM_SMALL_MODEL: cheaper, faster chat model for simple questions; unset means every question goes to LORE_LLM_MODEL',
  ),
  llmSmallBaseUrl: optionalText.describe(
    'LORE_LLM_SMALL_BASE_URL: base URL of the small model (default: LORE_LLM_BASE_URL when the provider is the same)',
  ),
  llmRouting: z
    .enum(['auto', 'small', 'large'])
    .default('auto')
    .describe(
      'LORE_LLM_ROUTING: auto (short, simple questions go to the small model), small or large; a request can still ask for a size',
    ),
  llmRoutingMaxWords: integer(1, 1000)
    .default(16)
    .describe(
      'LORE_LLM_ROUTING_MAX_WORDS: longest question (in words) that auto routing sends to the small model',
    ),
  llmFallbackProvider: chatProvider
    .optional()
    .describe('LORE_LLM_FALLBACK_PROVIDER: provider of the fallback chat model (default: LORE_LLM_PROVIDER)'),
  llmFallbackModel: optionalText.describe(
    'LORE_LLM_FALLBACK_MODEL: chat model that answers when the chosen one fails before its first word (down, rate limited, rejected)',
  ),
  llmFallbackBaseUrl: optionalText.describe('LORE_LLM_FALLBACK_BASE_URL: base URL of the fallback model'),

  embeddingProfiles: json(z.record(z.string().regex(/^[\w.-]+$/), embeddingProfileSchema)).describe(
    'LORE_EMBEDDING_PROFILES: named embedding models as JSON, e.g. {"multilingual":{"provider":"cohere","model":"embed-multilingual-v3.0"}}; `default` is LORE_EMBEDDER',
  ),
  embeddingProfile: z
    .string()
    .trim()
    .default('default')
    .describe(
      'LORE_EMBEDDING_PROFILE: profile new vectors are built with; changing it builds a new index generation in the background (`lore models reindex`)',
    ),

  reranker: z
    .enum(['none', ...rerankProviderNames, 'local-onnx'])
    .default('none')
    .describe(
      'LORE_RERANKER: reranking of retrieved candidates: none, cohere, bedrock or local-onnx (a cross-encoder folder)',
    ),
  rerankModel: optionalText.describe(
    'LORE_RERANK_MODEL: reranking model, e.g. rerank-v3.5 or cohere.rerank-v3-5:0',
  ),
  rerankModelPath: optionalText.describe(
    'LORE_RERANK_MODEL_PATH: local cross-encoder folder (transformers.js layout)',
  ),
  rerankBaseUrl: optionalText.describe('LORE_RERANK_BASE_URL: overrides the reranking endpoint (proxies)'),
  rerankApiKey: optionalText.describe(
    'LORE_RERANK_API_KEY: key for the reranker (default: the provider key, e.g. COHERE_API_KEY)',
  ),

  openaiApiKey: optionalText.describe(
    'OPENAI_API_KEY: OpenAI key (also the fallback of LORE_LLM_API_KEY and LORE_EMBEDDING_API_KEY)',
  ),
  anthropicApiKey: optionalText.describe('ANTHROPIC_API_KEY: Anthropic key'),
  cohereApiKey: optionalText.describe('COHERE_API_KEY: Cohere key (chat, embeddings, rerank)'),
  googleApiKey: optionalText.describe('GOOGLE_GENERATIVE_AI_API_KEY: Google Gemini API key'),
  mistralApiKey: optionalText.describe('MISTRAL_API_KEY: Mistral key'),
  groqApiKey: optionalText.describe('GROQ_API_KEY: Groq key'),
  azureApiKey: optionalText.describe('AZURE_API_KEY: Azure OpenAI key'),
  azureResourceName: optionalText.describe(
    'AZURE_RESOURCE_NAME: Azure OpenAI resource (https://<name>.openai.azure.com)',
  ),
  azureApiVersion: optionalText.describe('LORE_AZURE_API_VERSION: Azure OpenAI api-version (default v1)'),
  awsRegion: optionalText.describe(
    'AWS_REGION: Bedrock region; credentials come from the AWS default chain (env, profile, SSO, ECS task role, EC2 role)',
  ),
  vertexProject: optionalText.describe(
    'GOOGLE_VERTEX_PROJECT: Vertex AI project (credentials: Application Default Credentials)',
  ),
  vertexLocation: optionalText.describe('GOOGLE_VERTEX_LOCATION: Vertex AI location, e.g. us-central1'),

  modelPrices: json(priceSchema).describe(
    'LORE_MODEL_PRICES: US dollars per million tokens by model id or name as JSON, e.g. {"openai:gpt-4o-mini":{"input":0.15,"output":0.6}}',
  ),
  queryTransform: z
    .enum(queryTransforms)
    .default('none')
    .describe(
      'LORE_QUERY_TRANSFORM: none, multi-query (paraphrases fused) or hyde (hypothetical answer passage); needs a chat model',
    ),
  queryTransformVariants: integer(1, 10)
    .default(3)
    .describe('LORE_QUERY_TRANSFORM_VARIANTS: extra queries written by multi-query'),
};

/** Environment variables of the provider settings (the provider's own names where they exist). */
export const providerEnvNames: Record<keyof typeof providerConfigShape, string[]> = {
  llmProvider: ['LORE_LLM_PROVIDER'],
  llmModelPath: ['LORE_LLM_MODEL_PATH'],
  llmMaxRetries: ['LORE_LLM_MAX_RETRIES'],
  llmSmallProvider: ['LORE_LLM_SMALL_PROVIDER'],
  llmSmallModel: ['LORE_LLM_SMALL_MODEL'],
  llmSmallBaseUrl: ['LORE_LLM_SMALL_BASE_URL'],
  llmRouting: ['LORE_LLM_ROUTING'],
  llmRoutingMaxWords: ['LORE_LLM_ROUTING_MAX_WORDS'],
  llmFallbackProvider: ['LORE_LLM_FALLBACK_PROVIDER'],
  llmFallbackModel: ['LORE_LLM_FALLBACK_MODEL'],
  llmFallbackBaseUrl: ['LORE_LLM_FALLBACK_BASE_URL'],
  embeddingProfiles: ['LORE_EMBEDDING_PROFILES'],
  embeddingProfile: ['LORE_EMBEDDING_PROFILE'],
  reranker: ['LORE_RERANKER'],
  rerankModel: ['LORE_RERANK_MODEL'],
  rerankModelPath: ['LORE_RERANK_MODEL_PATH'],
  rerankBaseUrl: ['LORE_RERANK_BASE_URL'],
  rerankApiKey: ['LORE_RERANK_API_KEY'],
  openaiApiKey: ['OPENAI_API_KEY'],
  anthropicApiKey: ['ANTHROPIC_API_KEY'],
  cohereApiKey: ['COHERE_API_KEY'],
  googleApiKey: ['GOOGLE_GENERATIVE_AI_API_KEY'],
  mistralApiKey: ['MISTRAL_API_KEY'],
  groqApiKey: ['GROQ_API_KEY'],
  azureApiKey: ['AZURE_API_KEY'],
  azureResourceName: ['AZURE_RESOURCE_NAME'],
  azureApiVersion: ['LORE_AZURE_API_VERSION'],
  awsRegion: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
  vertexProject: ['GOOGLE_VERTEX_PROJECT'],
  vertexLocation: ['GOOGLE_VERTEX_LOCATION'],
  modelPrices: ['LORE_MODEL_PRICES'],
  queryTransform: ['LORE_QUERY_TRANSFORM'],
  queryTransformVariants: ['LORE_QUERY_TRANSFORM_VARIANTS'],
};

/** Settings that hold secrets: each may also be read from a file named by `<VARIABLE>_FILE`. */
export const secretSettings = [
  'llmApiKey',
  'embeddingApiKey',
  'rerankApiKey',
  'openaiApiKey',
  'anthropicApiKey',
  'cohereApiKey',
  'googleApiKey',
  'mistralApiKey',
  'groqApiKey',
  'azureApiKey',
] as const;
