/** Whether a text is a search query or a passage; some models embed them differently. */
export type EmbeddingPurpose = 'query' | 'document';

/** Turns texts into vectors. Every stored vector records `id` and `dimension`. */
export interface Embedder {
  /** Stable identifier of provider + model, e.g. `openai-compatible:text-embedding-3-small`. */
  readonly id: string;
  /** Vector length; known after the first call for providers that do not announce it. */
  dimension(): Promise<number>;
  /** Largest number of texts sent in one request. */
  readonly maxBatchSize: number;
  embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<Float32Array[]>;
  /**
   * For embedders that can change underneath (the active index generation): the concrete embedder to
   * use for one unit of work, so its vectors and the id they are stored under always match. `fresh`
   * re-reads which one is active instead of using a recent answer.
   */
  pin?(options?: { fresh?: boolean }): Promise<Embedder>;
}
