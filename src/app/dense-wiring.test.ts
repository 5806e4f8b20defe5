import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../adapters/store/sqlite/database.js';
import { SqliteStore } from '../adapters/store/sqlite/sqlite.store.js';
import { AnnVectorIndex } from '../core/search/ann-vector-index.js';
import { VectorIndex } from '../core/search/vector-index.js';
import type { Embedder } from '../ports/embedder.port.js';
import { embeddedDense } from './dense-wiring.js';

const embedder = (id: string): Embedder => ({
  id,
  maxBatchSize: 1,
  dimension: async () => 4,
  embed: async () => [],
});
const log = { info: () => undefined, warn: () => undefined };

describe('embedded dense wiring (LORE_VECTOR_INDEX)', () => {
  it('uses one HNSW retriever per embedder by default and the flat scan with exact', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lore-dense-wiring-'));
    const store = new SqliteStore(openDatabase(join(dataDir, 'lore.db'), { migrate: true }));
    try {
      const hnsw = await embeddedDense({ dataDir, vectorIndex: 'hnsw' }, store, log);
      expect(hnsw.kind).toBe('hnsw');
      const first = hnsw.indexFor(embedder('a'));
      expect(first).toBeInstanceOf(AnnVectorIndex);
      expect(hnsw.indexFor(embedder('a'))).toBe(first);
      expect(hnsw.indexFor(embedder('b'))).not.toBe(first);
      await hnsw.close();
      const exact = await embeddedDense({ dataDir, vectorIndex: 'exact' }, store, log);
      expect(exact.kind).toBe('exact');
      expect(exact.indexFor(embedder('a'))).toBeInstanceOf(VectorIndex);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
