import type { SearchFilter } from '../core/records.js';

/** A lexical hit: a chunk row id, its BM25 score and its coverage of the question's subject terms. */
export interface LexicalHit {
  rowId: number;
  score: number;
  coverage: number;
}

/**
 * Ranks chunks by BM25 over analysed terms. The embedded backend implements it with an in-memory
 * index (`LexicalIndex`), the PostgreSQL backend in SQL (`PgLexicalRetriever`) or, in API processes,
 * with the same in-memory index fed from the database's change log (`ReplicaLexicalIndex`).
 */
export interface LexicalRetriever {
  /**
   * Top `k` chunks for analysed query terms, the filter applied inside the ranking. Coverage is the
   * IDF-weighted share of `coverageTerms` (default: the query terms) found in the chunk body.
   */
  search(
    terms: readonly string[],
    k: number,
    filter?: SearchFilter,
    coverageTerms?: readonly string[],
  ): Promise<LexicalHit[]>;
  /** Inverse document frequency of an analysed term in chunk bodies (0 when unseen or unknown). */
  idf(term: string): number;
  /** For a retriever that loads before it serves (a readiness check): how far it is. */
  loadState?(): LexicalLoadState;
}

export interface LexicalLoadState {
  loaded: boolean;
  /** Chunks in memory so far. */
  chunks: number;
  /** Why the last load attempt failed (it is retried). */
  error?: string;
}

/** A dense hit: a chunk row id and its cosine similarity to the query. */
export interface DenseHit {
  rowId: number;
  score: number;
}

/** Nearest chunks to a query vector for one embedder: flat scan in memory, or pgvector HNSW. */
export interface DenseRetriever {
  search(queryVector: Float32Array, k: number, filter?: SearchFilter): Promise<DenseHit[]>;
}
