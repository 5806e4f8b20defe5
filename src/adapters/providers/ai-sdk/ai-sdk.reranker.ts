import type { RerankingModelV3 } from '@ai-sdk/provider';
import { rerank } from 'ai';
import type { Reranker } from '../../../ports/reranker.port.js';
import {
  cancelled,
  type ProviderErrorContext,
  toProviderError,
} from '../openai-compatible/provider-errors.js';
import {
  connectionErrorContext,
  createRerankingModel,
  modelId,
  type ProviderConnection,
} from './provider-registry.js';
import { defaultRetryPolicy, type RetryPolicy, withRetries } from './retry-policy.js';

/** Options for {@link AiSdkReranker}. */
export interface AiSdkRerankerOptions {
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Most passages sent in one request (Cohere accepts up to 1000; default 100). */
  maxBatchSize?: number;
}

/**
 * A Reranker over an AI SDK reranking model (Cohere Rerank v2 API, Bedrock rerank models).
 * Scores come back in the order of the passages given; passages a provider left out score -Infinity.
 *
 * @example
 * const reranker = AiSdkReranker.connect({ provider: 'cohere', model: 'rerank-v3.5', apiKey });
 * const scores = await reranker.rerank('vacation policy', passages);
 */
export class AiSdkReranker implements Reranker {
  readonly id: string;

  constructor(
    readonly binding: {
      id: string;
      model: RerankingModelV3;
      errors: Omit<ProviderErrorContext, 'kind' | 'cancelled' | 'timedOutAfterMs' | 'tooLongRemedy'>;
    },
    private readonly options: AiSdkRerankerOptions = {},
  ) {
    this.id = binding.id;
  }

  static connect(connection: ProviderConnection, options: AiSdkRerankerOptions = {}): AiSdkReranker {
    return new AiSdkReranker(
      {
        id: modelId(connection),
        model: createRerankingModel(connection),
        errors: connectionErrorContext(connection),
      },
      options,
    );
  }

  async rerank(query: string, passages: readonly string[], signal?: AbortSignal): Promise<number[]> {
    const scores = new Array<number>(passages.length).fill(Number.NEGATIVE_INFINITY);
    const size = this.options.maxBatchSize ?? 100;
    for (let start = 0; start < passages.length; start += size) {
      const batch = passages.slice(start, start + size);
      const ranking = await this.rerankBatch(query, batch, signal);
      for (const entry of ranking) scores[start + entry.originalIndex] = entry.score;
    }
    return scores;
  }

  private async rerankBatch(query: string, documents: string[], signal: AbortSignal | undefined) {
    if (signal?.aborted) throw cancelled('rerank');
    const timeout =
      this.options.timeoutMs === undefined ? undefined : AbortSignal.timeout(this.options.timeoutMs);
    const signals = [signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const abortSignal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    try {
      const result = await withRetries(
        () =>
          rerank({
            model: this.binding.model,
            query,
            documents,
            maxRetries: 0,
            ...(abortSignal ? { abortSignal } : {}),
          }),
        this.options.retry ?? defaultRetryPolicy,
        abortSignal,
      );
      return result.ranking;
    } catch (error) {
      throw toProviderError(error, {
        ...this.binding.errors,
        kind: 'rerank',
        cancelled: signal?.aborted === true,
        timedOutAfterMs: timeout?.aborted ? this.options.timeoutMs : undefined,
        tooLongRemedy: 'Lower the chunk size (LORE_CHUNK_TOKENS) or rerank fewer candidates.',
      });
    }
  }
}
