import type { LexicalRetriever } from '../../ports/retriever.port.js';
import type {
  ChangeCursor,
  ChunkChangeOptions,
  ChunkChanges,
  IndexedChunkRow,
  Store,
} from '../../ports/store.port.js';
import type { SearchFilter } from '../records.js';
import { Bm25Index, type Bm25Params } from './bm25.js';
import { admittedDocuments, isRestrictive } from './filter-mask.js';

/** A lexical hit: a chunk row id, its BM25 score and its coverage of the question's subject terms. */
export interface LexicalHit {
  rowId: number;
  score: number;
  coverage: number;
}

/** Rebuild from scratch when this share of slots are tombstones. */
const rebuildRatio = 0.3;

export interface LexicalIndexOptions {
  /**
   * Changes applied per step (rows added, rows removed). Unset: every change at once, so a search
   * always sees everything committed before it (the embedded backend). Set (API replicas on
   * PostgreSQL): a search applies at most one step and the rest follows in the background, the
   * first load proceeds in steps (`loaded` turns true at its end), and a rebuild is made beside
   * the live index and swapped in when complete.
   */
  batchSize?: number;
}

/** One generation of the index with the change-feed position it reflects. */
class IndexState {
  readonly index: Bm25Index;
  rowOfSlot: number[] = [];
  slotOfRow = new Map<number, number>();
  documentOfSlot: string[] = [];
  collectionOfSlot: string[] = [];
  cursor: ChangeCursor | undefined;
  token: string | undefined;
  /** The last read was cut short by the batch size. */
  behind = true;

  constructor(params: Bm25Params) {
    this.index = new Bm25Index(params);
  }

  /** Whether the Store may hold changes this state has not applied, whatever the token says. */
  get unsettled(): boolean {
    return this.behind || (this.cursor?.unsettled?.length ?? 0) > 0;
  }

  apply(changes: ChunkChanges): void {
    for (const rowId of changes.removedRowIds) {
      const slot = this.slotOfRow.get(rowId);
      if (slot === undefined) continue;
      const terms = changes.removedTerms?.get(rowId);
      this.index.remove(slot, terms ? { title: terms.title, body: terms.body } : undefined);
      this.slotOfRow.delete(rowId);
    }
    for (const row of changes.added) this.add(row);
    this.cursor = changes.cursor;
    this.behind = changes.more === true;
  }

  private add(row: IndexedChunkRow): void {
    if (this.slotOfRow.has(row.rowId)) return;
    const slot = this.index.add({ title: row.terms.title, body: row.terms.body });
    this.rowOfSlot[slot] = row.rowId;
    this.documentOfSlot[slot] = row.documentId;
    this.collectionOfSlot[slot] = row.collectionId;
    this.slotOfRow.set(row.rowId, slot);
  }
}

/**
 * The BM25 index held in memory and kept in step with the Store: it loads the analysed terms of
 * every chunk once, then applies only the rows added and removed since (by any process), which it
 * learns from the Store's change feed before each search.
 */
export class LexicalIndex implements LexicalRetriever {
  private state: IndexState;
  private stepping: Promise<boolean> | undefined;
  private rebuilding: Promise<void> | undefined;
  private everLoaded = false;

  constructor(
    private readonly store: Store,
    private readonly params: Bm25Params,
    private readonly options: LexicalIndexOptions = {},
  ) {
    this.state = new IndexState(params);
  }

  /** Live chunks in the index. */
  get size(): number {
    return this.state.slotOfRow.size;
  }

  /** The first load has completed (every chunk committed before it started is in). */
  get loaded(): boolean {
    return this.everLoaded;
  }

  /** Brings the index up to date with the Store (every step, however many). */
  async refresh(): Promise<void> {
    while (await this.step()) {
      // another step
    }
    if (this.rebuilding) await this.rebuilding;
  }

  /** Inverse document frequency of an analysed term in chunk bodies (0 when unseen). */
  idf(term: string): number {
    return this.state.index.idf('body', term);
  }

  /**
   * Top `k` chunks for analysed query terms; the filter is applied inside the scan. Coverage is
   * measured over `coverageTerms` (default: the query terms).
   */
  async search(
    terms: readonly string[],
    k: number,
    filter?: SearchFilter,
    coverageTerms: readonly string[] = terms,
  ): Promise<LexicalHit[]> {
    if (this.options.batchSize === undefined) {
      await this.refresh();
    } else if (await this.step()) {
      // Bounded catch-up: this request applied one step; the rest follows in the background.
      void this.refresh().catch(() => undefined);
    }
    const state = this.state;
    const allow = await this.allowFunction(state, filter);
    return state.index
      .search(terms, k, { ...(allow ? { allow } : {}), coverageTerms })
      .map((hit) => ({ rowId: state.rowOfSlot[hit.slot]!, score: hit.score, coverage: hit.coverage }));
  }

  private async allowFunction(
    state: IndexState,
    filter: SearchFilter | undefined,
  ): Promise<((slot: number) => boolean) | undefined> {
    if (!isRestrictive(filter)) return undefined;
    const collections = filter.collectionIds ? new Set(filter.collectionIds) : undefined;
    const needsDocuments = Boolean(
      filter.documentIds || filter.tags?.length || filter.updatedAfter || filter.updatedBefore,
    );
    const documents = needsDocuments
      ? admittedDocuments(filter, await this.store.documentFilterInfo(filter.documentIds))
      : undefined;
    return (slot) =>
      (!collections || collections.has(state.collectionOfSlot[slot]!)) &&
      (!documents || documents.has(state.documentOfSlot[slot]!));
  }

  /** Applies one read of the change feed (one at a time); true when more is waiting. */
  private step(): Promise<boolean> {
    if (!this.stepping) {
      this.stepping = this.doStep().finally(() => {
        this.stepping = undefined;
      });
    }
    return this.stepping;
  }

  private async doStep(): Promise<boolean> {
    const state = this.state;
    const token = await this.store.changeToken();
    if (!state.unsettled && token === state.token) return false;
    const batched = this.options.batchSize !== undefined;
    if (this.everLoaded && state.index.deletedRatio > rebuildRatio) {
      if (!batched) return this.replace(token);
      this.rebuildBeside();
    }
    const changes = await this.store.chunkChanges(state.cursor, this.limit());
    if (changes.reset) {
      // The change log no longer reaches back to the cursor: start over from these rows.
      const fresh = new IndexState(this.params);
      fresh.apply(changes);
      if (!batched || !this.everLoaded) {
        this.state = fresh;
        return this.settle(fresh, token);
      }
      this.rebuildBeside(fresh);
      state.behind = false;
      return false;
    }
    state.apply(changes);
    return this.settle(state, token);
  }

  private settle(state: IndexState, token: string): boolean {
    if (state.behind) return true;
    state.token = token;
    if (state === this.state) this.everLoaded = true;
    return false;
  }

  /** Drops the index and loads every chunk again (unbatched: at once, before answering). */
  private async replace(token: string): Promise<boolean> {
    const fresh = new IndexState(this.params);
    fresh.apply(await this.store.chunkChanges(undefined, this.limit()));
    this.state = fresh;
    return this.settle(fresh, token);
  }

  /** Loads a new generation beside the live one and swaps it in once it has caught up. */
  private rebuildBeside(from?: IndexState): void {
    if (this.rebuilding) return;
    const next = from ?? new IndexState(this.params);
    this.rebuilding = (async () => {
      // Up to the end of the feed; ranges still unsettled are re-checked by the live steps after.
      while (next.behind) {
        const token = await this.store.changeToken();
        next.apply(await this.store.chunkChanges(next.cursor, this.limit()));
        if (!next.behind) next.token = token;
      }
      this.state = next;
    })()
      .catch(() => undefined)
      .finally(() => {
        this.rebuilding = undefined;
      });
  }

  private limit(): ChunkChangeOptions | undefined {
    return this.options.batchSize === undefined ? undefined : { limit: this.options.batchSize };
  }
}
