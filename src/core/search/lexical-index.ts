import type { LexicalRetriever } from '../../ports/retriever.port.js';
import type { ChangeCursor, IndexedChunkRow, Store } from '../../ports/store.port.js';
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

/**
 * The BM25 index held in memory and kept in step with the Store: it loads the analysed terms of
 * every chunk once, then applies only the rows added and removed since (by any process), which it
 * learns from the Store's change token before each search.
 */
export class LexicalIndex implements LexicalRetriever {
  private index: Bm25Index;
  private rowOfSlot: number[] = [];
  private slotOfRow = new Map<number, number>();
  private documentOfSlot: string[] = [];
  private collectionOfSlot: string[] = [];
  private cursor: ChangeCursor | undefined;
  private token: string | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly params: Bm25Params,
  ) {
    this.index = new Bm25Index(params);
  }

  /** Live chunks in the index. */
  get size(): number {
    return this.slotOfRow.size;
  }

  /** Brings the index up to date with the Store. */
  async refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  /** Inverse document frequency of an analysed term in chunk bodies (0 when unseen). */
  idf(term: string): number {
    return this.index.idf('body', term);
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
    await this.refresh();
    const allow = await this.allowFunction(filter);
    return this.index
      .search(terms, k, { ...(allow ? { allow } : {}), coverageTerms })
      .map((hit) => ({ rowId: this.rowOfSlot[hit.slot]!, score: hit.score, coverage: hit.coverage }));
  }

  private async allowFunction(
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
      (!collections || collections.has(this.collectionOfSlot[slot]!)) &&
      (!documents || documents.has(this.documentOfSlot[slot]!));
  }

  private async doRefresh(): Promise<void> {
    const token = await this.store.changeToken();
    if (token === this.token) return;
    if (this.index.deletedRatio > rebuildRatio) this.reset();
    const changes = await this.store.chunkChanges(this.cursor);
    if (changes.reset) this.reset();
    for (const rowId of changes.removedRowIds) {
      const slot = this.slotOfRow.get(rowId);
      if (slot === undefined) continue;
      const terms = changes.removedTerms?.get(rowId);
      this.index.remove(slot, terms ? { title: terms.title, body: terms.body } : undefined);
      this.slotOfRow.delete(rowId);
    }
    for (const row of changes.added) this.add(row);
    this.cursor = changes.cursor;
    this.token = token;
  }

  private add(row: IndexedChunkRow): void {
    if (this.slotOfRow.has(row.rowId)) return;
    const slot = this.index.add({ title: row.terms.title, body: row.terms.body });
    this.rowOfSlot[slot] = row.rowId;
    this.documentOfSlot[slot] = row.documentId;
    this.collectionOfSlot[slot] = row.collectionId;
    this.slotOfRow.set(row.rowId, slot);
  }

  private reset(): void {
    this.index = new Bm25Index(this.params);
    this.rowOfSlot = [];
    this.slotOfRow = new Map();
    this.documentOfSlot = [];
    this.collectionOfSlot = [];
    this.cursor = undefined;
    this.token = undefined;
  }
}
