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
  /** Size of the index file as written (a file of another size is not loaded: garbage can crash the engine). */
  indexBytes?: number;
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
  /** Adds or replaces many rows at once (`matrix` holds `rowIds.length × dimension` values), using every core. */
  addBatch(rowIds: Int32Array, matrix: Float32Array): void;
  /** Row ids held. */
  rowIds(): IterableIterator<number>;
  remove(rowId: number): void;
  /**
   * Top `k` rows; with `allow`, the index oversamples and filters, and returns fewer than `k` only
   * when the admitted rows are exhausted within the oversampling bound.
   */
  search(query: Float32Array, k: number, allow?: (rowId: number) => boolean): AnnHit[];
  /** Writes index and manifest crash-safely (temporary file, then rename; manifest last). */
  save(changeToken: string): void;
}

/** Why a saved index was not opened (logged; the caller rebuilds). */
export type AnnUnusable = 'missing' | 'other-embedder' | 'corrupt';

/**
 * The persisted indexes of one data folder, one per embedder generation: the composition root
 * passes the usearch adapter's implementation to the embedded dense retriever.
 */
export interface AnnIndexFiles {
  /** The saved index of an embedder, or why it cannot be used. */
  open(
    embedderId: string,
    dimension: number,
  ): { index: AnnIndex; manifest: AnnManifest } | { unusable: AnnUnusable };
  /** A new, empty index (nothing is written until `save`). */
  create(embedderId: string, dimension: number): AnnIndex;
}
