import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { type EmbeddingModel, embedMany } from 'ai';
import { LoreError } from '../../core/errors.js';
import type { Embedder, EmbeddingPurpose } from '../../ports/embedder.port.js';
import {
  cancelled,
  type ProviderErrorContext,
  parseProviderURL,
  requireSetting,
  toProviderError,
} from '../openai-compatible/provider-errors.js';

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
  /** Prepended to queries / documents, for models trained with prefixes (e.g. nomic `search_query: `). */
  queryPrefix?: string;
  documentPrefix?: string;
  /** Name of the setting that holds the key, quoted in remedies; default `LORE_EMBEDDING_API_KEY`. */
  apiKeySetting?: string;
}

/**
 * An Embedder over any OpenAI-compatible `/v1/embeddings` server (OpenAI, Ollama, vLLM, TEI).
 *
 * @example
 * const embedder = new OpenAICompatibleEmbedder({ baseURL: 'http://localhost:11434/v1', model: 'nomic-embed-text' });
 * const [vector] = await embedder.embed(['hello'], 'query');
 */
export class OpenAICompatibleEmbedder implements Embedder {
  readonly id: string;
  readonly maxBatchSize: number;
  private readonly model: EmbeddingModel;
  private readonly displayURL: string;
  private knownDimension: number | undefined;
  private probe: Promise<number> | undefined;

  constructor(private readonly options: OpenAICompatibleEmbedderOptions) {
    const url = parseProviderURL(options.baseURL, 'embedding');
    this.displayURL = url.baseURL;
    requireSetting(options.model.trim() !== '', 'The embedding model name is empty.');
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
    this.id = `openai-compatible:${options.model}`;
    this.maxBatchSize = batch;
    this.knownDimension = dims;
    const provider = createOpenAICompatible({
      name: 'lore-embedding',
      baseURL: url.baseURL,
      ...(url.queryParams ? { queryParams: url.queryParams } : {}),
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    });
    this.model = provider.embeddingModel(options.model);
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
      vectors.push(...(await this.embedBatch(batch, signal)));
    }
    return vectors;
  }

  private async embedBatch(values: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    if (signal?.aborted) throw cancelled('embedding');
    const timeout =
      this.options.timeoutMs === undefined ? undefined : AbortSignal.timeout(this.options.timeoutMs);
    const signals = [signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const dims = this.options.dimensions;
    let embeddings: number[][];
    try {
      ({ embeddings } = await embedMany({
        model: this.model,
        values,
        maxRetries: this.options.maxRetries ?? 2,
        ...(signals.length > 0 ? { abortSignal: AbortSignal.any(signals) } : {}),
        ...(dims === undefined ? {} : { providerOptions: { openaiCompatible: { dimensions: dims } } }),
      }));
    } catch (error) {
      throw toProviderError(error, this.errorContext(signal, timeout));
    }
    return this.checkVectors(values.length, embeddings);
  }

  private checkVectors(expected: number, embeddings: number[][]): Float32Array[] {
    const fail = (problem: string) =>
      new LoreError('provider_error', `The embedding server at ${this.displayURL} ${problem}.`, {
        details: { model: this.options.model, url: this.displayURL },
      });
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

  private errorContext(
    signal: AbortSignal | undefined,
    timeout: AbortSignal | undefined,
  ): ProviderErrorContext {
    return {
      kind: 'embedding',
      url: this.displayURL,
      model: this.options.model,
      apiKey: this.options.apiKey,
      apiKeySetting: this.options.apiKeySetting ?? 'LORE_EMBEDDING_API_KEY',
      cancelled: signal?.aborted === true,
      timedOutAfterMs: timeout?.aborted ? this.options.timeoutMs : undefined,
      tooLongRemedy: 'Lower the chunk size so every chunk fits the embedding model.',
    };
  }
}
