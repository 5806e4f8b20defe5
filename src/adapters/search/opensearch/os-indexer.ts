import type { Bm25Params } from '../../../core/search/bm25.js';
import { vectorsByRow } from '../../../core/search/vector-rows.js';
import type { ChangeCursor, IndexedChunkRow, Store } from '../../../ports/store.port.js';
import { clusterStatus, type SearchCluster } from './os-client.js';
import { bulkBody, chunkIndexBody, type IndexNames, vectorField } from './os-layout.js';

/** Where an alias stands: the concrete index behind it and the change-log cursor applied to it. */
export interface IndexState {
  index: string;
  cursor: ChangeCursor;
  dimension: number | null;
  builtAt: string;
}

interface StoredState {
  state: IndexState;
  seqNo: number | undefined;
  primaryTerm: number | undefined;
}

export interface IndexerOptions {
  /** Chunks per `_bulk` request. */
  batchSize: number;
  replicas: number;
  /** Least time between two looks for chunks whose vector arrived after them (a backfill). */
  vectorSweepMs: number;
}

/** Result of a build (`lore reindex --search`). */
export interface BuildReport {
  index: string;
  alias: string;
  chunks: number;
  vectors: number;
  removedIndexes: string[];
}

/**
 * Keeps one chunk index (one embedder generation) in step with the Store.
 *
 * `build()` creates a fresh concrete index, bulk-loads every chunk (terms and, with an embedder, its
 * vector) in batches, refreshes it, swaps the alias onto it in one `_aliases` call, records the
 * change-log cursor in the state index (`<prefix>-lore-state`, one document per alias), and drops the
 * previous build. Searches keep using the old build until the swap.
 *
 * `catchUp()` runs before each search (cheap when the Store's change token has not moved): it reads
 * the cursor, applies `chunkChanges(cursor)` (deletes, then adds) through `_bulk` with `refresh`, so a
 * search right after a write sees it, and stores the new cursor. Every action is idempotent (`_id` is
 * the chunk row id; adds come only for rows that still exist), so replicas that catch up at the same
 * time, or a crash between the bulk and the cursor write, only replay work. Without a state document
 * (first start) or when the cursor fell behind the retained change log, it builds.
 *
 * Vectors written after their chunk (a backfill: `putVectors` does not move the change token) are
 * picked up by a sweep, at most every `vectorSweepMs`, when the Store holds more vectors of this
 * embedder than the index does.
 */
export class OpenSearchIndexer {
  private token: string | undefined;
  private running: Promise<void> | undefined;
  private lastSweep = 0;

  constructor(
    private readonly cluster: SearchCluster,
    private readonly store: Store,
    private readonly names: IndexNames,
    private readonly bm25: Bm25Params,
    private readonly embedder: { id: string; dimension(): Promise<number> } | undefined,
    private readonly options: IndexerOptions,
  ) {}

  get alias(): string {
    return this.names.alias;
  }

  /** Brings the index up to date with the Store (serialised within this process). */
  catchUp(): Promise<void> {
    if (!this.running) {
      this.running = this.doCatchUp().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** A complete new build from the Store, then an alias swap (`lore reindex --search`). */
  async build(): Promise<BuildReport> {
    const token = await this.store.changeToken();
    const changes = await this.store.chunkChanges();
    const dimension = this.embedder ? await this.embedder.dimension() : undefined;
    const index = this.names.buildIndex(new Date());
    await this.ensureStateIndex();
    await this.cluster.request(
      'PUT',
      `/${index}`,
      chunkIndexBody(this.bm25, dimension, { replicas: this.options.replicas }),
    );
    let vectors = 0;
    try {
      for (let start = 0; start < changes.added.length; start += this.options.batchSize) {
        const batch = changes.added.slice(start, start + this.options.batchSize);
        vectors += await this.write(index, batch, []);
      }
      await this.cluster.request('POST', `/${index}/_refresh`);
    } catch (error) {
      await this.cluster.request('DELETE', `/${index}`).catch(() => undefined);
      throw error;
    }
    const previous = await this.aliasedIndexes();
    await this.cluster.request('POST', '/_aliases', {
      actions: [
        ...previous.map((old) => ({ remove: { index: old, alias: this.names.alias } })),
        { add: { index, alias: this.names.alias, is_write_index: true } },
      ],
    });
    await this.saveState({
      index,
      cursor: changes.cursor,
      dimension: dimension ?? null,
      builtAt: new Date().toISOString(),
    });
    for (const old of previous) await this.cluster.request('DELETE', `/${old}`).catch(() => undefined);
    // Changes made while the build ran went to the previous index: apply them to this one.
    const built = await this.readState();
    if (built) await this.applySince(built);
    this.token = token;
    return {
      index,
      alias: this.names.alias,
      chunks: changes.added.length,
      vectors,
      removedIndexes: previous,
    };
  }

  /** The stored state of this alias, or undefined before the first build. */
  async state(): Promise<IndexState | undefined> {
    return (await this.readState())?.state;
  }

  /** The state with its sequence number and primary term (optimistic concurrency on writes). */
  private async readState(): Promise<StoredState | undefined> {
    try {
      const response = await this.cluster.request<{
        found: boolean;
        _source?: IndexState;
        _seq_no?: number;
        _primary_term?: number;
      }>('GET', `/${this.names.stateIndex}/_doc/${encodeURIComponent(this.names.alias)}`);
      if (!response.found || !response._source) return undefined;
      return { state: response._source, seqNo: response._seq_no, primaryTerm: response._primary_term };
    } catch (error) {
      if (clusterStatus(error) === 404) return undefined;
      throw error;
    }
  }

  private async doCatchUp(): Promise<void> {
    const token = await this.store.changeToken();
    const sweepDue = this.embedder !== undefined && Date.now() - this.lastSweep >= this.options.vectorSweepMs;
    if (token === this.token && !sweepDue) return;
    const stored = await this.readState();
    if (!stored || !(await this.cluster.exists(`/${this.names.alias}`))) {
      await this.build();
      this.lastSweep = Date.now();
      return;
    }
    if (token !== this.token) {
      if (await this.applySince(stored)) this.token = token;
    }
    if (sweepDue) {
      this.lastSweep = Date.now();
      await this.sweepVectors();
    }
  }

  /**
   * Applies the changes since the stored cursor through the alias and stores the new cursor, on the
   * condition that nobody changed the state meanwhile (`if_seq_no`): a build that swapped the alias
   * in between wins, and false tells the caller to look again (it replays from the build's cursor).
   */
  private async applySince(stored: StoredState): Promise<boolean> {
    const changes = await this.store.chunkChanges(stored.state.cursor);
    if (changes.reset) {
      await this.build();
      return true;
    }
    const { added, removedRowIds: removed } = changes;
    if (removed.length === 0 && added.length === 0) return true;
    for (let start = 0; start < Math.max(added.length, removed.length); start += this.options.batchSize) {
      await this.write(
        this.names.alias,
        added.slice(start, start + this.options.batchSize),
        removed.slice(start, start + this.options.batchSize),
      );
    }
    await this.cluster.request('POST', `/${this.names.alias}/_refresh`);
    try {
      await this.saveState({ ...stored.state, cursor: changes.cursor }, stored);
      return true;
    } catch (error) {
      if (clusterStatus(error) === 409) return false;
      throw error;
    }
  }

  /** Bulk-writes one batch; answers how many of the added chunks carried a vector. */
  private async write(
    index: string,
    added: readonly IndexedChunkRow[],
    removed: readonly number[],
  ): Promise<number> {
    const vectors = this.embedder
      ? vectorsByRow(
          await this.store.loadVectorsOf(
            this.embedder.id,
            added.map((row) => row.rowId),
          ),
        )
      : new Map<number, Float32Array>();
    const lines = bulkBody(
      index,
      added.map((row) => ({ row, vector: vectors.get(row.rowId) })),
      removed,
    );
    if (lines.length > 0) await this.cluster.bulk(lines);
    return vectors.size;
  }

  /** Adds the vectors that reached the Store after their chunks were indexed. */
  private async sweepVectors(): Promise<void> {
    if (!this.embedder) return;
    const inStore = await this.store.countVectors(this.embedder.id);
    const indexed = await this.cluster.request<{ hits: { total: { value: number } } }>(
      'POST',
      `/${this.names.alias}/_search`,
      { size: 0, track_total_hits: true, query: { exists: { field: vectorField } } },
    );
    if (inStore <= indexed.hits.total.value) return;
    let after: number | undefined;
    let updated = 0;
    for (;;) {
      const page = await this.cluster.request<{ hits: { hits: { _id: string; sort: number[] }[] } }>(
        'POST',
        `/${this.names.alias}/_search`,
        {
          size: this.options.batchSize,
          _source: false,
          query: { bool: { must_not: [{ exists: { field: vectorField } }] } },
          sort: [{ rowId: 'asc' }],
          ...(after === undefined ? {} : { search_after: [after] }),
        },
      );
      const rowIds = page.hits.hits.map((hit) => Number(hit._id));
      if (rowIds.length === 0) break;
      after = page.hits.hits.at(-1)!.sort[0]!;
      const vectors = vectorsByRow(await this.store.loadVectorsOf(this.embedder.id, rowIds));
      const lines: Record<string, unknown>[] = [];
      for (const [rowId, vector] of vectors) {
        lines.push({ update: { _index: this.names.alias, _id: String(rowId) } });
        lines.push({ doc: { [vectorField]: Array.from(vector) } });
      }
      if (lines.length > 0) await this.cluster.bulk(lines);
      updated += vectors.size;
      if (rowIds.length < this.options.batchSize) break;
    }
    if (updated > 0) await this.cluster.request('POST', `/${this.names.alias}/_refresh`);
  }

  private async aliasedIndexes(): Promise<string[]> {
    try {
      const response = await this.cluster.request<Record<string, unknown>>(
        'GET',
        `/_alias/${encodeURIComponent(this.names.alias)}`,
      );
      return Object.keys(response);
    } catch (error) {
      if (clusterStatus(error) === 404) return [];
      throw error;
    }
  }

  private async ensureStateIndex(): Promise<void> {
    if (await this.cluster.exists(`/${this.names.stateIndex}`)) return;
    try {
      await this.cluster.request('PUT', `/${this.names.stateIndex}`, {
        settings: { index: { number_of_shards: 1, number_of_replicas: this.options.replicas } },
        mappings: { dynamic: false, properties: { index: { type: 'keyword' } } },
      });
    } catch (error) {
      // Another process created it first.
      if (clusterStatus(error) !== 400) throw error;
    }
  }

  private async saveState(state: IndexState, expected?: StoredState): Promise<void> {
    const condition: Record<string, string> =
      expected?.seqNo !== undefined && expected.primaryTerm !== undefined
        ? { if_seq_no: String(expected.seqNo), if_primary_term: String(expected.primaryTerm) }
        : {};
    await this.cluster.request(
      'PUT',
      `/${this.names.stateIndex}/_doc/${encodeURIComponent(this.names.alias)}`,
      state,
      { refresh: 'true', ...condition },
    );
  }
}
