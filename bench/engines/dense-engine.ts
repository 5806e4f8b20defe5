/** A vector index under test: built once over unit vectors with row ids 0…n−1, then top-k queries. */
export interface DenseEngine {
  readonly name: DenseEngineName;
  /** One line on how the engine is configured, for the report. */
  readonly description: string;
  /** Indexes the rows of a row-major `n × dimension` matrix as row ids 0…n−1. */
  build(vectors: Float32Array, dimension: number): void;
  /** Row ids of the top `k` rows by cosine similarity, best first. */
  search(query: Float32Array, k: number): ArrayLike<number>;
  /** Adds the rows of `vectors` with ids `firstRowId`, `firstRowId + 1`, … (absent: not measured). */
  add?(firstRowId: number, vectors: Float32Array): void;
  /** Rows the engine answers from when it searches with a filter (absent: all rows). */
  readonly admits?: (rowId: number) => boolean;
  /**
   * Size figures after build: `indexBytes` (the index's own data: arrays, database pages or the
   * serialised graph) and, for on-disk indexes, `diskBytes`.
   */
  footprint(): Record<string, number>;
  close(): void;
}

export type DenseEngineName =
  | 'flat'
  | 'flat-filter10'
  | 'sqlite-vec'
  | 'sqlite-vec-mem'
  | 'usearch'
  | 'usearch-ef128';

export const denseEngineNames: readonly DenseEngineName[] = [
  'flat',
  'flat-filter10',
  'sqlite-vec',
  'sqlite-vec-mem',
  'usearch',
  'usearch-ef128',
];
