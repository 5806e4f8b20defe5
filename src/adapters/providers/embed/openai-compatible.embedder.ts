import { AiSdkEmbedder } from '../ai-sdk/ai-sdk.embedder.js';
import { createEmbeddingModel } from '../ai-sdk/provider-registry.js';
import type { RetryPolicy } from '../ai-sdk/retry-policy.js';
import { openAICompatibleEndpoint } from '../openai-compatible/endpoint.js';

/** Options for {@link OpenAICompatibleEmbedder}. */
export interface OpenAICompatibleEmbedderOptions {
  /** Base URL including the version prefix, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer <apiKey>` only when set. */
  apiKey?: string;
  model: string;
  /** Requested vector length (OpenAI `dimensions`); otherwise learned from the first response. */
  dimensions?: number;
  /** Texts per request; default 96. */
  maxBatchSize?: number;
  /** Per-batch time limit in milliseconds, retries included. */
  timeoutMs?: number;
  /** Retries of retryable failures (429, 5xx, network); default 2. */
  maxRetries?: number;
  /** Backoff details (base delay, cap); `maxRetries` wins over `retry.maxRetries`. */
  retry?: Omit<RetryPolicy, 'maxRetries'>;
  /** Prepended to queries / documents, for models trained with prefixes (e.g. nomic `search_query: `). */
  queryPrefix?: string;
  documentPrefix?: string;
  /** Name of the setting that holds the key, quoted in remedies; default `LORE_EMBEDDING_API_KEY`. */
  apiKeySetting?: string;
}

/**
 * An Embedder over any OpenAI-compatible `/v1/embeddings` server (OpenAI, Ollama, vLLM, TEI,
 * llama.cpp server, LM Studio).
 *
 * @example
 * const embedder = new OpenAICompatibleEmbedder({ baseURL: 'http://localhost:11434/v1', model: 'nomic-embed-text' });
 * const [vector] = await embedder.embed(['hello'], 'query');
 */
export class OpenAICompatibleEmbedder extends AiSdkEmbedder {
  constructor(options: OpenAICompatibleEmbedderOptions) {
    const endpoint = openAICompatibleEndpoint(options, 'embedding', 'LORE_EMBEDDING_API_KEY');
    super(
      {
        id: endpoint.id,
        provider: 'openai-compatible',
        model: createEmbeddingModel(endpoint.connection),
        errors: endpoint.errors,
      },
      {
        ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
        ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.queryPrefix === undefined ? {} : { queryPrefix: options.queryPrefix }),
        ...(options.documentPrefix === undefined ? {} : { documentPrefix: options.documentPrefix }),
        retry: { baseDelayMs: 200, ...options.retry, maxRetries: options.maxRetries ?? 2 },
      },
    );
  }
}
