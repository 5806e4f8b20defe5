import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import { embedMany } from 'ai';
import { LoreError } from '../../../core/errors.js';
import type { Embedder, EmbeddingPurpose } from '../../../ports/embedder.port.js';
import {
  cancelled,
  type ProviderErrorContext,
  requireSetting,
  toProviderError,
} from '../openai-compatible/provider-errors.js';
import {
  connectionErrorContext,
  createEmbeddingModel,
  embeddingProviderOptions,
  maxEmbeddingBatch,
  modelId,
  type ProviderConnection,
  type ProviderName,
} from './provider-registry.js';
import { defaultRetryPolicy, type RetryPolicy, withRetries } from './retry-policy.js';

/** Options for {@link AiSdkEmbedder}. */
export interface AiSdkEmbedderOptions {
  /** Requested vector length (OpenAI `dimensions`, Gemini `outputDimensionality`); otherwise learned. */
  dimensions?: number;
  /** Texts per request; capped by the provider's documented limit. Default 96. */
  maxBatchSize?: number;
  /** Per-batch time limit in milliseconds, retries included. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Prepended to queries / documents, for models trained with prefixes (e.g. nomic `search_query: `). */
  queryPrefix?: string;
  documentPrefix?: string;
}

/** What the generic adapter needs: an AI SDK embedding model plus what goes into messages. */
export interface AiSdkEmbeddingBinding {
  id: string;
  provider: ProviderName;
  model: EmbeddingModelV3;
  errors: Omit<ProviderErrorContext, 'kind' | 'cancelled' | 'timedOutAfterMs' | 'tooLongRemedy'>;
}

/**
 * An Embedder over any AI SDK embedding model. Splits input into batches no larger than the
 * provider accepts, tells providers that distinguish them whether it embeds queries or documents
 * (Cohere `input_type`, Gemini `taskType`), retries with jittered backoff honouring `Retry-After`.
 *
 * @example
 * const embedder = AiSdkEmbedder.connect({ provider: 'cohere', model: 'embed-english-v3.0', apiKey });
 * const [vector] = await embedder.embed(['hello'], 'query');
 */
export class AiSdkEmbedder implements Embedder {
  readonly id: string;
  readonly maxBatchSize: number;
  private knownDimension: number | undefined;
  private probe: Promise<number> | undefined;

  constructor(
    private readonly binding: AiSdkEmbeddingBinding,
    private readonly options: AiSdkEmbedderOptions = {},
  ) {
    const batch = options.maxBatchSize ?? 96;
    requireSetting(
      Number.isInteger(batch) && batch > 0,
      `maxBatchSize must be a positive integer (got ${batch}).`,
    );
    const dims = options.dimensions;
    requireSetting(
      dims === undefined || (Number.isInteger(dims) && dims > 0),
      `dimensions must be a positive integer (got ${dims}).`,
    );
    const modelLimit = binding.model.maxEmbeddingsPerCall;
    const limits = [batch, maxEmbeddingBatch(binding.provider) || batch];
    if (typeof modelLimit === 'number' && modelLimit > 0) limits.push(modelLimit);
    this.id = binding.id;
    this.maxBatchSize = Math.min(...limits);
    this.knownDimension = dims;
  }

  /** Builds the AI SDK model for a provider connection. */
  static connect(connection: ProviderConnection, options: AiSdkEmbedderOptions = {}): AiSdkEmbedder {
    return new AiSdkEmbedder(
      {
        id: modelId(connection),
        provider: connection.provider,
        model: createEmbeddingModel(connection),
        errors: connectionErrorContext(connection),
      },
      options,
    );
  }

  /** The configured `dimensions`, or the length learned from a response (probing once if needed). */
  async dimension(): Promise<number> {
    if (this.knownDimension !== undefined) return this.knownDimension;
    this.probe ??= this.embed(['dimension probe'], 'document').then(
      ([vector]) => vector?.length ?? 0,
      (error: unknown) => {
        this.probe = undefined;
        throw error;
      },
    );
    return this.probe;
  }

  async embed(
    texts: readonly string[],
    purpose: EmbeddingPurpose,
    signal?: AbortSignal,
  ): Promise<Float32Array[]> {
    const prefix = (purpose === 'query' ? this.options.queryPrefix : this.options.documentPrefix) ?? '';
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.maxBatchSize) {
      const batch = texts.slice(start, start + this.maxBatchSize).map((text) => prefix + text);
      vectors.push(...(await this.embedBatch(batch, purpose, signal)));
    }
    return vectors;
  }

  private async embedBatch(
    values: string[],
    purpose: EmbeddingPurpose,
    signal: AbortSignal | undefined,
  ): Promise<Float32Array[]> {
    if (signal?.aborted) throw cancelled('embedding');
    const timeout =
      this.options.timeoutMs === undefined ? undefined : AbortSignal.timeout(this.options.timeoutMs);
    const signals = [signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const abortSignal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    const providerOptions = embeddingProviderOptions(this.binding.provider, purpose, this.options.dimensions);
    let embeddings: number[][];
    try {
      ({ embeddings } = await withRetries(
        () =>
          embedMany({
            model: this.binding.model,
            values,
            maxRetries: 0,
            maxParallelCalls: 1,
            ...(abortSignal ? { abortSignal } : {}),
            ...(Object.keys(providerOptions).length > 0 ? { providerOptions } : {}),
          }),
        this.options.retry ?? defaultRetryPolicy,
        abortSignal,
      ));
    } catch (error) {
      throw toProviderError(error, {
        ...this.binding.errors,
        kind: 'embedding',
        cancelled: signal?.aborted === true,
        timedOutAfterMs: timeout?.aborted ? this.options.timeoutMs : undefined,
        tooLongRemedy: 'Lower the chunk size (LORE_CHUNK_TOKENS) so every chunk fits the embedding model.',
      });
    }
    return this.checkVectors(values.length, embeddings);
  }

  private checkVectors(expected: number, embeddings: number[][]): Float32Array[] {
    const { service, url, model } = this.binding.errors;
    const who = service ? `The embedding provider ${service} (${url})` : `The embedding server at ${url}`;
    const fail = (problem: string) =>
      new LoreError('provider_error', `${who} ${problem}.`, { details: { model, url } });
    if (embeddings.length !== expected)
      throw fail(`returned ${embeddings.length} vectors for ${expected} texts`);
    const vectors = embeddings.map((embedding) => Float32Array.from(embedding));
    for (const vector of vectors) {
      this.knownDimension ??= vector.length;
      if (vector.length !== this.knownDimension || vector.length === 0) {
        throw fail(`returned a ${vector.length}-dimension vector where ${this.knownDimension} was expected`);
      }
    }
    return vectors;
  }
}
