/** A dense hit of an approximate index: a chunk row id and its cosine similarity to the query. */
export interface AnnHit {
  rowId: number;
  score: number;
}

/** What a persisted index says about itself, checked against the database on start. */
export interface AnnManifest {
  embedderId: string;
  dimension: number;
  /** Rows held when the index file was written. */
  rowCount: number;
  /** The Store's change token the index had caught up with when it was written. */
  changeToken: string;
  savedAt: string;
}

/**
 * An approximate nearest-neighbour index of one embedder generation's vectors (cosine), updated
 * incrementally and persisted beside the database. Core code sees only this port; the usearch HNSW
 * adapter lives in `src/adapters/vector/`.
 */
export interface AnnIndex {
  readonly dimension: number;
  readonly size: number;
  has(rowId: number): boolean;
  /** Adds or replaces the vector of a row. */
  add(rowId: number, vector: Float32Array): void;
  remove(rowId: number): void;
  /**
   * Top `k` rows; with `allow`, the index oversamples and filters, and returns fewer than `k` only
   * when the admitted rows are exhausted within the oversampling bound.
   */
  search(query: Float32Array, k: number, allow?: (rowId: number) => boolean): AnnHit[];
  /** Writes index and manifest crash-safely (temporary file, then rename; manifest last). */
  save(changeToken: string): void;
}
