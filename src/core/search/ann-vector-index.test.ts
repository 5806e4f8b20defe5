import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../adapters/store/sqlite/database.js';
import { SqliteStore } from '../../adapters/store/sqlite/sqlite.store.js';
import { usearchAnnFiles } from '../../adapters/vector/usearch-ann-index.js';
import type { Embedder } from '../../ports/embedder.port.js';
import type { Store } from '../../ports/store.port.js';
import { AnnVectorIndex, type AnnVectorIndexOptions, type IndexLog } from './ann-vector-index.js';
import { FlatVectors } from './flat-vectors.js';

const DIM = 16;

/** Deterministic pseudo-random vectors (xorshift), so failures reproduce. */
function randomVectors(count: number, seed: number): Float32Array[] {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 0xffffffff) * 2 - 1;
  };
  return Array.from({ length: count }, () => Float32Array.from({ length: DIM }, next));
}

function embedderOf(id: string): Embedder {
  return { id, maxBatchSize: 10, dimension: async () => DIM, embed: async () => [] };
}

let folder: string;
let store: Store;
let seed = 1;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'lore-ann-search-'));
  store = new SqliteStore(openDatabase(join(folder, 'lore.db'), { migrate: true }));
});
afterEach(async () => {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Writes a document of `count` chunks with random vectors of `embedderId`; returns id and vectors. */
async function addDocument(collectionId: string, count: number, embedderId = 'test:e1') {
  const vectors = randomVectors(count, seed++ * 7919);
  const texts = vectors.map((_, index) => `chunk ${index}`);
  const text = texts.join('\n');
  const source = `doc-${seed}.txt`;
  const record = await store.writeDocument({
    document: {
      collectionId,
      source,
      fileName: source,
      title: source,
      format: 'text',
      contentHash: source,
      byteSize: text.length,
      warnings: [],
      tags: [],
      parserVersion: 'text@1',
      chunkerVersion: 'c@1',
    },
    parsed: { format: 'text', text, blocks: [], warnings: [], parserVersion: 'text@1' },
    chunks: texts.map((chunkText, ordinal) => ({
      ordinal,
      start: 0,
      end: chunkText.length,
      text: chunkText,
      context: '',
      tokenCount: 2,
    })),
    terms: texts.map((chunkText) => ({ title: [], body: chunkText.split(' ') })),
    vectors: { embedderId, dimension: DIM, values: vectors },
  });
  const rows = await store.listDocumentChunks(record.id);
  return { id: record.id, rowIds: rows.map((row) => row.id), vectors };
}

function logged(): IndexLog & {
  lines: { level: string; message: string; fields: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (fields, message) => lines.push({ level: 'info', message, fields }),
    warn: (fields, message) => lines.push({ level: 'warn', message, fields }),
  };
}

function indexOf(embedder: Embedder, log?: IndexLog, options: Partial<AnnVectorIndexOptions> = {}) {
  return new AnnVectorIndex({
    store,
    embedder,
    files: usearchAnnFiles(join(folder, 'vectors')),
    ...(log ? { log } : {}),
    options: { saveDelayMs: 1e9, ...options },
  });
}

async function exactTop(query: Float32Array, k: number, allowed?: Set<number>) {
  const all = await store.loadVectors('test:e1');
  const flat = new FlatVectors(DIM);
  for (let row = 0; row < all.rowIds.length; row++) {
    if (allowed && !allowed.has(all.rowIds[row]!)) continue;
    flat.add(all.rowIds[row]!, all.matrix.subarray(row * DIM, (row + 1) * DIM));
  }
  return flat.search(query, k).map((hit) => hit.rowId);
}

describe('AnnVectorIndex (embedded dense search over usearch HNSW)', () => {
  it('builds once, agrees with the exact scan, and reopens the saved file instead of rebuilding', async () => {
    const collection = await store.ensureCollection('c');
    for (let d = 0; d < 10; d++) await addDocument(collection.id, 40);
    const log = logged();
    const first = indexOf(embedderOf('test:e1'), log);
    const queries = randomVectors(20, 4242);
    let agree = 0;
    for (const query of queries) {
      const got = new Set((await first.search(query, 10)).map((hit) => hit.rowId));
      agree += (await exactTop(query, 10)).filter((rowId) => got.has(rowId)).length;
    }
    expect(agree / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
    expect(first.stats).toMatchObject({ rebuilt: 1, opened: 0 });
    expect(log.lines.map((line) => line.message)).toEqual(['vector index built']);
    await first.close();

    const second = indexOf(embedderOf('test:e1'), log);
    const again = await second.search(queries[0]!, 10);
    expect(second.stats).toMatchObject({ rebuilt: 0, opened: 1, caughtUpRows: 0 });
    expect(log.lines.at(-1)).toMatchObject({ message: 'vector index opened', fields: { rows: 400 } });
    expect(again.map((hit) => hit.rowId)).toEqual(
      (await first.search(queries[0]!, 10)).map((hit) => hit.rowId),
    );
  });

  it('keeps serving when its files cannot be written (a failed save is logged, never thrown)', async () => {
    const collection = await store.ensureCollection('c');
    for (let d = 0; d < 3; d++) await addDocument(collection.id, 10);
    // A plain file where the folder should be: every save fails (as on a full or read-only disk).
    const blocked = join(folder, 'blocked');
    writeFileSync(blocked, 'not a folder');
    const log = logged();
    const index = new AnnVectorIndex({
      store,
      embedder: embedderOf('test:e1'),
      files: usearchAnnFiles(join(blocked, 'vectors')),
      log,
      options: { saveDelayMs: 5 },
    });
    const query = randomVectors(1, 7)[0]!;
    expect(await index.search(query, 5)).toHaveLength(5);
    expect(index.stats).toMatchObject({ rebuilt: 1, saves: 0, saveFailures: 1 });
    // A later change schedules the debounced save from a timer: it fails the same way, logged.
    await addDocument(collection.id, 10);
    index.recheck();
    expect(await index.search(query, 5)).toHaveLength(5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(index.stats.saveFailures).toBe(2);
    expect(log.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      'vector index: saving failed; it is caught up from the database on the next start',
      'vector index: saving failed; it is caught up from the database on the next start',
    ]);
    await expect(index.close()).rejects.toThrow();
  });

  it('catches up on added and deleted documents without reloading, and a deleted chunk never returns', async () => {
    const collection = await store.ensureCollection('c');
    for (let d = 0; d < 5; d++) await addDocument(collection.id, 30);
    const index = indexOf(embedderOf('test:e1'));
    await index.search(randomVectors(1, 5)[0]!, 10);
    const added = await addDocument(collection.id, 12);
    for (const [position, vector] of added.vectors.entries()) {
      expect((await index.search(vector, 1))[0]?.rowId).toBe(added.rowIds[position]);
    }
    await store.deleteDocument(added.id);
    const gone = new Set(added.rowIds);
    for (const vector of added.vectors) {
      expect((await index.search(vector, 50)).filter((hit) => gone.has(hit.rowId))).toEqual([]);
    }
    expect(index.stats).toMatchObject({ rebuilt: 1, opened: 0 });
    expect(index.stats.caughtUpRows).toBe(150 + 12 + 12);
  });

  it('recovers by catching up when the process is killed between an update and the next save', async () => {
    const collection = await store.ensureCollection('c');
    const kept = await addDocument(collection.id, 30);
    const doomed = await addDocument(collection.id, 30);
    const before = indexOf(embedderOf('test:e1'));
    await before.search(kept.vectors[0]!, 10);
    await before.close(); // saved with both documents
    const killed = indexOf(embedderOf('test:e1'));
    await killed.search(kept.vectors[0]!, 10);
    const late = await addDocument(collection.id, 8);
    await store.deleteDocument(doomed.id);
    await killed.search(kept.vectors[0]!, 10); // applied in memory only; never saved (no close: a kill)
    expect(killed.stats.saves).toBe(0);

    const restarted = indexOf(embedderOf('test:e1'));
    const doomedRows = new Set(doomed.rowIds);
    for (const vector of doomed.vectors) {
      expect((await restarted.search(vector, 40)).filter((hit) => doomedRows.has(hit.rowId))).toEqual([]);
    }
    for (const [position, vector] of late.vectors.entries()) {
      expect((await restarted.search(vector, 1))[0]?.rowId).toBe(late.rowIds[position]);
    }
    expect(restarted.stats).toMatchObject({ opened: 1, rebuilt: 0, caughtUpRows: 30 + 8 });
  });

  it('answers every search exactly while the index is small (exactUpToRows), and by HNSW past it', async () => {
    const collection = await store.ensureCollection('c');
    const hidden = await store.ensureCollection('hidden');
    for (let d = 0; d < 5; d++) await addDocument(collection.id, 20);
    const secret = await addDocument(hidden.id, 20);
    const index = indexOf(embedderOf('test:e1'), undefined, { exactUpToRows: 120 });
    const query = randomVectors(1, 91)[0]!;
    const hits = await index.search(query, 10);
    expect(index.stats).toMatchObject({ exactSearches: 1, annSearches: 0 });
    expect(hits.map((hit) => hit.rowId)).toEqual(await exactTop(query, 10));
    // The filter still applies on the small-index path.
    const readable = await index.search(query, 10, { collectionIds: [collection.id] });
    expect(readable.some((hit) => secret.rowIds.includes(hit.rowId))).toBe(false);
    expect(index.stats.exactSearches).toBe(2);
    // One more document takes it past 120 rows: HNSW from then on.
    await addDocument(collection.id, 20);
    await index.search(query, 10);
    expect(index.stats).toMatchObject({ exactSearches: 2, annSearches: 1 });
  });

  it('answers a restrictive filter exactly over the admitted rows only', async () => {
    const big = await store.ensureCollection('big');
    const small = await store.ensureCollection('small');
    for (let d = 0; d < 25; d++) await addDocument(big.id, 20);
    const few = await addDocument(small.id, 10);
    const index = indexOf(embedderOf('test:e1'), undefined, { exactBelowRows: 0, exactBelowShare: 0.05 });
    const query = randomVectors(1, 77)[0]!;
    const hits = await index.search(query, 5, { collectionIds: [small.id] });
    expect(index.stats.exactSearches).toBe(1);
    expect(hits.map((hit) => hit.rowId)).toEqual(await exactTop(query, 5, new Set(few.rowIds)));
    // A document filter inside the big collection is restrictive too.
    const bigDocument = (await store.listDocuments({ collectionId: big.id }))[0]!;
    const inDocument = await index.search(query, 5, { documentIds: [bigDocument.id] });
    expect(index.stats.exactSearches).toBe(2);
    const documentRows = new Set((await store.listDocumentChunks(bigDocument.id)).map((chunk) => chunk.id));
    expect(inDocument.length).toBe(5);
    expect(inDocument.every((hit) => documentRows.has(hit.rowId))).toBe(true);
  });

  it('never returns a chunk of a collection the filter leaves out, on the HNSW path or the exact one', async () => {
    const readable = await store.ensureCollection('readable');
    const secret = await store.ensureCollection('secret');
    for (let d = 0; d < 4; d++) await addDocument(readable.id, 40);
    const hidden = await addDocument(secret.id, 120);
    const hiddenRows = new Set(hidden.rowIds);
    for (const options of [
      { exactBelowRows: 0, exactBelowShare: 0 }, // forced HNSW with the filter inside
      { exactBelowRows: 1_000_000, exactBelowShare: 1 }, // forced exact
    ]) {
      const index = indexOf(embedderOf('test:e1'), undefined, options);
      // The secret chunks' own vectors are the nearest neighbours: the worst case for a leak.
      for (const vector of hidden.vectors.slice(0, 30)) {
        const hits = await index.search(vector, 20, { collectionIds: [readable.id] });
        expect(hits).toHaveLength(20);
        expect(hits.filter((hit) => hiddenRows.has(hit.rowId))).toEqual([]);
      }
      expect(await index.search(hidden.vectors[0]!, 10, { collectionIds: ['no-such-collection'] })).toEqual(
        [],
      );
    }
  });

  it('rebuilds when the embedder changes or the file is corrupt, and says why', async () => {
    const collection = await store.ensureCollection('c');
    const document = await addDocument(collection.id, 20);
    let active = 'test:e1';
    const switching: Embedder = {
      ...embedderOf('x'),
      get id() {
        return active;
      },
    };
    const log = logged();
    const index = indexOf(switching, log);
    await index.search(document.vectors[0]!, 5);
    await store.putVectors(
      'test:e2',
      DIM,
      document.rowIds.map((rowId, position) => ({ rowId, vector: document.vectors[(position + 1) % 20]! })),
    );
    active = 'test:e2';
    const hit = await index.search(document.vectors[1]!, 1);
    expect(hit[0]?.rowId).toBe(document.rowIds[0]);
    expect(index.stats.rebuilt).toBe(2);
    await index.close();
    expect(
      readdirSync(join(folder, 'vectors'))
        .filter((name) => name.endsWith('.manifest.json'))
        .sort(),
    ).toEqual(['test_e1.manifest.json', 'test_e2.manifest.json']);

    writeFileSync(join(folder, 'vectors', 'test_e2.usearch'), 'not an index');
    const reopened = indexOf(switching, log);
    expect((await reopened.search(document.vectors[1]!, 1))[0]?.rowId).toBe(document.rowIds[0]);
    expect(reopened.stats).toMatchObject({ rebuilt: 1, opened: 0 });
    expect(log.lines.at(-1)).toMatchObject({
      level: 'warn',
      message: 'vector index rebuilt',
      fields: { reason: 'the saved index files are unreadable or disagree with their manifest' },
    });
  });

  it('finds vectors written for existing chunks (a collection switching embedder) after a recheck', async () => {
    const collection = await store.ensureCollection('c');
    const document = await addDocument(collection.id, 10, 'test:other');
    const index = indexOf(embedderOf('test:e1'));
    expect(await index.search(document.vectors[0]!, 5)).toEqual([]);
    await store.putVectors(
      'test:e1',
      DIM,
      document.rowIds.map((rowId, position) => ({ rowId, vector: document.vectors[position]! })),
    );
    index.recheck();
    expect((await index.search(document.vectors[3]!, 1))[0]?.rowId).toBe(document.rowIds[3]);
  });
});
