import type { Embedder } from '../../ports/embedder.port.js';
import type { DenseHit, DenseRetriever } from '../../ports/retriever.port.js';
import type { ChangeCursor, VectorOwners as OwnerRows, Store } from '../../ports/store.port.js';
import type { AnnIndex, AnnIndexFiles, AnnUnusable } from '../../ports/vector-index.port.js';
import type { SearchFilter } from '../records.js';
import { admittedDocuments, isRestrictive } from './filter-mask.js';
import { FlatVectors } from './flat-vectors.js';
import { type AdmittedSets, VectorOwners } from './vector-owners.js';

/** Where the index reports opening, rebuilding and saving (the app passes its logger). */
export interface IndexLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface AnnVectorIndexOptions {
  /** Save this long after the last change (debounced); also saved on `close`. */
  saveDelayMs: number;
  /** A filter admitting at most this many rows is answered by an exact scan of just those rows. */
  exactBelowRows: number;
  /** …or admitting less than this share of the rows. */
  exactBelowShare: number;
  /**
   * An index of at most this many rows answers every search exactly (the scan is cheap there, and
   * exact results are the better ones); the HNSW graph is still kept up to date for when it grows.
   */
  exactUpToRows: number;
}

const defaults: AnnVectorIndexOptions = {
  saveDelayMs: 10_000,
  exactBelowRows: 4096,
  exactBelowShare: 0.05,
  exactUpToRows: 0,
};
/** Rows read from the Store per step when an index is built or caught up. */
const rowsPerStep = 10_000;
/** Exact-scan sets kept (one per recent filter, typically one per caller's readable collections). */
const exactCacheSize = 8;

const reasons: Record<AnnUnusable | 'unreadable-cursor', string> = {
  missing: 'no saved index for this embedder',
  'other-embedder': 'the saved index belongs to another embedder or dimension',
  corrupt: 'the saved index files are unreadable or disagree with their manifest',
  'unreadable-cursor': 'the saved manifest holds no readable change cursor',
};

/** Counters of what the index did (tests, diagnostics). */
export interface AnnIndexStats {
  opened: number;
  rebuilt: number;
  /** Rows added or removed by catching up (on open and after changes). */
  caughtUpRows: number;
  saves: number;
  /** Saves that failed (after a build, a switch or changes): logged; retried on the next change or close. */
  saveFailures: number;
  annSearches: number;
  exactSearches: number;
}

interface Generation {
  embedderId: string;
  dimension: number;
  ann: AnnIndex;
  owners: VectorOwners;
  cursor: ChangeCursor;
  token: string;
  dirty: boolean;
}

/**
 * The embedded store's dense retriever over an approximate index (HNSW through the `AnnIndex`
 * port), one per embedder generation, persisted in the data folder. It opens the saved index when
 * its manifest matches, catches up from the saved change cursor (rows added and removed since),
 * and checks its rows against the Store's, so a kill between an update and the next save recovers.
 * It is rebuilt only when no usable file exists (a new embedder, a missing or corrupt file).
 * Restrictive filters (few admitted rows) are answered exactly over just the admitted rows.
 */
export class AnnVectorIndex implements DenseRetriever {
  readonly stats: AnnIndexStats = {
    opened: 0,
    rebuilt: 0,
    caughtUpRows: 0,
    saves: 0,
    saveFailures: 0,
    annSearches: 0,
    exactSearches: 0,
  };
  private generation: Generation | undefined;
  /** Token at which the Store held no vector of the embedder (nothing to index until it moves). */
  private emptyAt: string | undefined;
  private refreshing: Promise<void> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly exactCache = new Map<string, FlatVectors>();
  private readonly options: AnnVectorIndexOptions;
  private recheckPending = false;

  constructor(
    private readonly deps: {
      store: Store;
      embedder: Embedder;
      files: AnnIndexFiles;
      log?: IndexLog;
      options?: Partial<AnnVectorIndexOptions>;
    },
  ) {
    this.options = { ...defaults, ...deps.options };
  }

  async search(queryVector: Float32Array, k: number, filter?: SearchFilter): Promise<DenseHit[]> {
    await this.refresh();
    const generation = this.generation;
    if (!generation || generation.owners.size === 0 || k <= 0) return [];
    if (generation.owners.size <= this.options.exactUpToRows) {
      return this.exact(
        generation,
        queryVector,
        k,
        isRestrictive(filter) ? await this.admittedSets(filter) : {},
      );
    }
    if (!isRestrictive(filter)) {
      this.stats.annSearches++;
      return generation.ann.search(queryVector, k);
    }
    const sets = await this.admittedSets(filter);
    const admitted = generation.owners.admittedCount(sets);
    if (admitted === 0) return [];
    const { exactBelowRows, exactBelowShare } = this.options;
    if (admitted <= exactBelowRows || admitted < generation.owners.size * exactBelowShare) {
      return this.exact(generation, queryVector, k, sets);
    }
    this.stats.annSearches++;
    const hits = generation.ann.search(queryVector, k, (rowId) => generation.owners.admits(rowId, sets));
    // Oversampling ran out before k admitted rows were found: the exact scan is the honest answer.
    return hits.length < Math.min(k, admitted) ? this.exact(generation, queryVector, k, sets) : hits;
  }

  /**
   * Checks every row against the Store at the next search: vectors written for existing chunks
   * (a collection switched to this embedder) move no change cursor.
   */
  recheck(): void {
    this.recheckPending = true;
  }

  /** Saves pending changes and stops the save timer (app shutdown). */
  async close(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.saveNow();
  }

  /** Brings the index up to date with the Store (the embedder's current generation). */
  async refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const embedderId = this.deps.embedder.id;
    const token = await this.deps.store.changeToken();
    const current = this.generation;
    if (current && current.embedderId !== embedderId) {
      this.trySave();
      this.generation = undefined;
      this.exactCache.clear();
    }
    if (!this.generation) {
      if (this.emptyAt === `${token}|${embedderId}` && !this.recheckPending) return;
      this.recheckPending = false;
      this.generation = await this.load(embedderId);
      this.emptyAt = this.generation ? undefined : `${token}|${embedderId}`;
      return;
    }
    if (this.generation.token !== token) await this.catchUp(this.generation, token);
    if (this.recheckPending) {
      this.recheckPending = false;
      const generation = this.generation;
      const changed = await this.reconcile(generation, await this.deps.store.vectorOwners(embedderId));
      if (changed > 0) {
        this.exactCache.clear();
        this.markDirty(generation);
      }
    }
  }

  /** Opens the saved index (caught up) or builds a new one; undefined when the Store holds no vector yet. */
  private async load(embedderId: string): Promise<Generation | undefined> {
    const { store, files, log } = this.deps;
    const before = await store.changeToken();
    let owners = await store.vectorOwners(embedderId);
    const first = owners.rowIds[0];
    if (first === undefined) return undefined;
    const dimension = (await store.loadVectorsOf(embedderId, [first])).dimension;
    const started = Date.now();
    const opened = files.open(embedderId, dimension);
    const savedCursor = 'index' in opened ? parseCursor(opened.manifest.changeToken) : undefined;
    const reason = 'unusable' in opened ? opened.unusable : savedCursor ? undefined : 'unreadable-cursor';
    // From the saved cursor (or the start): the rows changed since are applied by the check below.
    const { cursor } = await store.chunkChanges(savedCursor);
    const after = await store.changeToken();
    // Rows written while the cursor was read: read the rows again, after the cursor, so none is missed.
    if (after !== before) owners = await store.vectorOwners(embedderId);
    const ann = 'index' in opened && savedCursor ? opened.index : files.create(embedderId, dimension);
    const generation = this.generationOf(embedderId, dimension, ann, cursor, after === before ? after : '');
    const changed = await this.reconcile(generation, owners);
    const fields = { embedderId, rows: generation.owners.size, ms: Date.now() - started };
    if (!reason) {
      this.stats.opened++;
      log?.info(
        {
          ...fields,
          caughtUpRows: changed,
          savedAt: 'index' in opened ? opened.manifest.savedAt : undefined,
        },
        'vector index opened',
      );
      if (changed > 0) this.markDirty(generation);
      return generation;
    }
    this.stats.rebuilt++;
    if (reason === 'missing') log?.info({ ...fields, reason: reasons[reason] }, 'vector index built');
    else log?.warn({ ...fields, reason: reasons[reason] }, 'vector index rebuilt');
    generation.dirty = true;
    this.generation = generation;
    this.trySave();
    return generation;
  }

  private generationOf(
    embedderId: string,
    dimension: number,
    ann: AnnIndex,
    cursor: ChangeCursor,
    token: string,
  ): Generation {
    return { embedderId, dimension, ann, owners: new VectorOwners(), cursor, token, dirty: false };
  }

  /**
   * Makes the index hold exactly the Store's rows with a vector of this embedder: drops rows the
   * Store no longer has, reads vectors only for rows the index lacks. Returns how many changed.
   */
  private async reconcile(generation: Generation, rows: OwnerRows): Promise<number> {
    const { ann, owners } = generation;
    const live = new Set(rows.rowIds);
    const stale = new Set([...ann.rowIds(), ...owners.rowIds()].filter((rowId) => !live.has(rowId)));
    for (const rowId of stale) {
      ann.remove(rowId);
      owners.remove(rowId);
    }
    const missing: number[] = [];
    rows.rowIds.forEach((rowId, index) => {
      owners.add(rowId, rows.documentIds[index]!, rows.collectionIds[index]!);
      if (!ann.has(rowId)) missing.push(rowId);
    });
    await this.addVectors(generation, missing);
    this.stats.caughtUpRows += stale.size;
    return stale.size + missing.length;
  }

  /** Applies the rows added and removed since the cursor (by any process). */
  private async catchUp(generation: Generation, token: string): Promise<void> {
    const { store, log } = this.deps;
    const changes = await store.chunkChanges(generation.cursor);
    if (changes.reset) {
      log?.warn(
        { embedderId: generation.embedderId },
        'vector index: change log pruned past the cursor; checking every row',
      );
      generation.owners = new VectorOwners();
      await this.reconcile(generation, await store.vectorOwners(generation.embedderId));
    } else {
      for (const rowId of changes.removedRowIds) {
        if (generation.ann.has(rowId) || generation.owners.has(rowId)) this.stats.caughtUpRows++;
        generation.ann.remove(rowId);
        generation.owners.remove(rowId);
      }
      await this.addVectors(
        generation,
        changes.added.map((row) => row.rowId),
      );
    }
    generation.cursor = changes.cursor;
    generation.token = token;
    this.exactCache.clear();
    this.markDirty(generation);
  }

  /** Reads the vectors of these rows from the Store (rows without one are skipped) and indexes them. */
  private async addVectors(generation: Generation, rowIds: readonly number[]): Promise<void> {
    for (let start = 0; start < rowIds.length; start += rowsPerStep) {
      const rows = await this.deps.store.loadVectorsOf(
        generation.embedderId,
        rowIds.slice(start, start + rowsPerStep),
      );
      if (rows.rowIds.length === 0) continue;
      if (rows.dimension !== generation.dimension) {
        this.deps.log?.warn(
          { embedderId: generation.embedderId, dimension: rows.dimension, expected: generation.dimension },
          'vector index: stored vectors of another dimension skipped',
        );
        continue;
      }
      generation.ann.addBatch(rows.rowIds, rows.matrix);
      rows.rowIds.forEach((rowId, index) => {
        generation.owners.add(rowId, rows.documentIds[index]!, rows.collectionIds[index]!);
      });
      this.stats.caughtUpRows += rows.rowIds.length;
    }
  }

  private async admittedSets(filter: SearchFilter): Promise<AdmittedSets> {
    const collections = filter.collectionIds ? new Set(filter.collectionIds) : undefined;
    const documents = admittedDocuments(filter, await this.deps.store.documentFilterInfo(filter.documentIds));
    return { ...(collections ? { collections } : {}), ...(documents ? { documents } : {}) };
  }

  /** Exact cosine scan over just the admitted rows (their vectors read once per filter and change). */
  private async exact(
    generation: Generation,
    query: Float32Array,
    k: number,
    sets: AdmittedSets,
  ): Promise<DenseHit[]> {
    this.stats.exactSearches++;
    const key = `${generation.embedderId}|${[...(sets.collections ?? [])].sort().join(',')}|${[...(sets.documents ?? ['*'])].sort().join(',')}`;
    let flat = this.exactCache.get(key);
    if (!flat) {
      const rows = await this.deps.store.loadVectorsOf(
        generation.embedderId,
        generation.owners.admittedRows(sets),
      );
      flat = new FlatVectors(generation.dimension, Math.max(16, rows.rowIds.length));
      if (rows.dimension === generation.dimension) {
        for (let row = 0; row < rows.rowIds.length; row++) {
          flat.add(rows.rowIds[row]!, rows.matrix.subarray(row * rows.dimension, (row + 1) * rows.dimension));
        }
      }
      if (this.exactCache.size >= exactCacheSize)
        this.exactCache.delete(this.exactCache.keys().next().value!);
      this.exactCache.set(key, flat);
    }
    // The admitted check runs again inside the scan: a cached set never widens access.
    return flat.search(query, k, (rowId) => generation.owners.admits(rowId, sets));
  }

  private markDirty(generation: Generation): void {
    generation.dirty = true;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      // Not while a catch-up is half applied: try again once it is done.
      if (this.refreshing) this.markDirty(generation);
      else this.trySave();
    }, this.options.saveDelayMs);
    this.saveTimer.unref?.();
  }

  /**
   * Saves after a build, a generation switch and (debounced, from a timer) after changes: a failure
   * (disk full, folder gone) must neither end the process nor fail the search that built it. The
   * index stays dirty, so the next change or `close` tries again; a kill before then is caught up
   * from the database on the next start.
   */
  private trySave(): void {
    try {
      this.saveNow();
    } catch (error) {
      this.stats.saveFailures++;
      this.deps.log?.warn(
        { err: error, embedderId: this.generation?.embedderId },
        'vector index: saving failed; it is caught up from the database on the next start',
      );
    }
  }

  private saveNow(): void {
    const generation = this.generation;
    if (!generation?.dirty) return;
    generation.ann.save(JSON.stringify(generation.cursor));
    generation.dirty = false;
    this.stats.saves++;
  }
}

function parseCursor(saved: string): ChangeCursor | undefined {
  try {
    const value = JSON.parse(saved) as Partial<ChangeCursor>;
    return Number.isInteger(value.lastRowId) && Number.isInteger(value.lastDeletionId)
      ? { lastRowId: value.lastRowId!, lastDeletionId: value.lastDeletionId! }
      : undefined;
  } catch {
    return undefined;
  }
}
