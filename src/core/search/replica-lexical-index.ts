import type { LexicalHit, LexicalLoadState, LexicalRetriever } from '../../ports/retriever.port.js';
import type { SearchFilter } from '../records.js';
import type { LexicalIndex } from './lexical-index.js';

/** Wait before loading again after a failed attempt (the database was unreachable). */
const retryMs = 2_000;

/**
 * The in-memory BM25 index of one API process on a shared database: it loads in the background
 * from the change log in bounded steps, and until the load is done searches are ranked by
 * `fallback` (BM25 in SQL: the same ranking, slower) rather than made to wait or answered from a
 * partial index. `loadState()` feeds the readiness check, so a load balancer sends traffic to a
 * replica once its index is in memory. Afterwards each search catches up with the change log first
 * (one bounded step; see `LexicalIndex`).
 */
export class ReplicaLexicalIndex implements LexicalRetriever {
  private loading: Promise<void> | undefined;
  private lastError: string | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly index: LexicalIndex,
    private readonly fallback: LexicalRetriever,
  ) {}

  /** Starts the first load (once; retried after a failure until `close`). */
  start(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  loadState(): LexicalLoadState {
    return {
      loaded: this.index.loaded,
      chunks: this.index.size,
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  idf(term: string): number {
    return this.index.loaded ? this.index.idf(term) : this.fallback.idf(term);
  }

  async search(
    terms: readonly string[],
    k: number,
    filter?: SearchFilter,
    coverageTerms: readonly string[] = terms,
  ): Promise<LexicalHit[]> {
    if (!this.index.loaded) {
      void this.start();
      return this.fallback.search(terms, k, filter, coverageTerms);
    }
    return this.index.search(terms, k, filter, coverageTerms);
  }

  /** Stops retrying a failed load (the process is closing its database). */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  private async load(): Promise<void> {
    while (!this.closed) {
      try {
        await this.index.refresh();
        this.lastError = undefined;
        return;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        await new Promise<void>((resolve) => {
          this.retryTimer = setTimeout(resolve, retryMs);
          this.retryTimer.unref();
        });
      }
    }
  }
}
