import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileBlobStore } from '../../src/adapters/blob/file.blob-store.js';
import { createPool, migratePostgres } from '../../src/adapters/store/postgres/database.js';
import { pgMigrations } from '../../src/adapters/store/postgres/migrations.js';
import { PgSnapshots } from '../../src/adapters/store/postgres/pg.snapshots.js';
import { createApp, type LoreApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { restoreBackup } from '../../src/operations/backup/restore-backup.js';
import { writeBackup } from '../../src/operations/backup/write-backup.js';
import {
  createMigratedDatabase,
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from '../fixtures/postgres.js';

const texts = {
  'tides.md': '# Tides\n\nThe harbour tide tables are published every Monday by the port office.',
  'budget.md': '# Budget\n\nQuarterly budget reviews happen in the harbour office with the finance team.',
  'garden.txt': 'Tomatoes need six hours of sun; water the garden beds at dawn.',
};
const queries = ['harbour office', 'tide tables', 'garden', 'budget finance'];
const embedderId = 'test:backup';

// `lore backup` of a PostgreSQL installation restored into a fresh PostgreSQL database (and a
// fresh blob store) by the PgRestorer: same rows, same search results, ids continue.
describeWithPostgres('PostgreSQL backup and restore', () => {
  const work = mkdtempSync(join(tmpdir(), 'lore-pg-backup-'));
  const archive = join(work, 'lore.tar.gz');
  const databases: TestDatabase[] = [];
  let source: LoreApp;

  const configFor = (database: TestDatabase, name: string) =>
    loadConfig(
      {},
      { dataDir: join(work, name), databaseUrl: database.url, blobUrl: join(work, name, 'originals') },
    );
  const open = (database: TestDatabase, name: string) =>
    createApp(configFor(database, name), { embedder: null, languageModel: null });

  beforeAll(async () => {
    const database = await createMigratedDatabase();
    databases.push(database);
    source = await open(database, 'source');
    for (const [fileName, text] of Object.entries(texts)) {
      const outcome = await source.ingest.ingest({
        bytes: new TextEncoder().encode(text),
        fileName,
        source: fileName,
        collection: 'notes',
        tags: ['kept'],
      });
      expect(outcome.status).toBe('added');
    }
    const chunks = await source.store.chunksMissingVectors(embedderId, 100);
    await source.store.putVectors(
      embedderId,
      3,
      chunks.map((chunk, index) => ({ rowId: chunk.id, vector: new Float32Array([index + 1, 0.5, -1]) })),
    );
    await source.identity.createUser({ email: 'Ada@Example.com', name: 'Ada', role: 'admin' });
    await source.store.setSetting('theme', 'dark');
    await source.audit.append({ action: 'test.backup', details: { kept: true } });
    await source.evaluations?.create({
      id: 'eval-1',
      dataset: 'scifact',
      source: 'folder',
      state: 'failed',
      createdAt: '2026-01-01T10:00:00.000Z',
      error: 'no qrels',
    });
    await source.queue.enqueue('ingest-file', { blobKey: 'x'.repeat(64) });
    await writeBackup(source, archive);
  });

  afterAll(async () => {
    await source?.close();
    await Promise.all(databases.map((database) => database.drop()));
    rmSync(work, { recursive: true, force: true });
  });

  it('restores into an empty database: same documents, chunks, vectors, search results and originals', async () => {
    const target = await createTestDatabase();
    databases.push(target);
    const { manifest, counts } = await restoreBackup(configFor(target, 'target'), archive);
    expect(manifest.backend).toBe('postgres');
    expect(counts).toMatchObject({ documents: 3, users: 1, jobs: 1 });

    const restored = await open(target, 'target');
    try {
      const describe = async (app: LoreApp) =>
        (await app.store.listDocuments()).map((d) => [d.id, d.contentHash, d.chunkCount, d.blobKey, d.tags]);
      expect(await describe(restored)).toEqual(await describe(source));
      expect(await restored.store.countChunks()).toBe(await source.store.countChunks());
      for (const query of queries) {
        const hitsOf = async (app: LoreApp) =>
          (await app.search.search({ query, limit: 10 })).hits.map((hit) => [
            hit.document.fileName,
            hit.chunk.id,
            hit.score.toFixed(6),
          ]);
        const expected = await hitsOf(source);
        expect(expected.length).toBeGreaterThan(0);
        expect(await hitsOf(restored)).toEqual(expected);
      }
      const vectors = async (app: LoreApp) => {
        const loaded = await app.store.loadVectors(embedderId);
        return [Array.from(loaded.rowIds), Array.from(loaded.matrix), loaded.dimension];
      };
      expect(await vectors(restored)).toEqual(await vectors(source));
      for (const document of await restored.store.listDocuments()) {
        const original = await restored.blobs.get(document.blobKey!);
        expect(new TextDecoder().decode(original)).toBe(texts[document.fileName as keyof typeof texts]);
      }
      expect(await restored.identity.getUserByEmail('ada@example.com')).toMatchObject({ name: 'Ada' });
      expect(await restored.store.getSetting('theme')).toBe('dark');
      expect((await restored.audit.list({ limit: 10 })).map((entry) => entry.action)).toContain(
        'test.backup',
      );
      expect(await restored.evaluations?.get('eval-1')).toMatchObject({ state: 'failed', error: 'no qrels' });
      expect((await restored.queue.counts()).queued).toBe(1);

      // The HNSW index of the restored embedder exists, and new rows continue the restored ids.
      const client = new pg.Client({ connectionString: target.url });
      await client.connect();
      try {
        const indexes = await client.query(
          `SELECT 1 FROM vector_indexes r JOIN pg_class i ON i.relname = r.index_name WHERE r.embedder_id = $1`,
          [embedderId],
        );
        expect(indexes.rowCount).toBe(1);
      } finally {
        await client.end();
      }
      const before = await restored.store.countChunks();
      const maxId = Math.max(
        ...(await restored.store.chunksMissingVectors('test:other', 100)).map((c) => c.id),
      );
      const next = await restored.ingest.ingest({
        bytes: new TextEncoder().encode('A new harbour note after the restore.'),
        fileName: 'new.txt',
        source: 'new.txt',
        collection: 'notes',
      });
      expect(next.status).toBe('added');
      expect(await restored.store.countChunks()).toBe(before + 1);
      const fresh = (await restored.search.search({ query: 'new harbour note', limit: 10 })).hits.find(
        (hit) => hit.document.fileName === 'new.txt',
      );
      expect(fresh?.chunk.id).toBeGreaterThan(maxId);
      await restored.audit.append({ action: 'test.after', details: {} });
    } finally {
      await restored.close();
    }
  });

  it('refuses a target holding data unless forced, and names LORE_DATABASE_URL when it is missing', async () => {
    const target = await createMigratedDatabase();
    databases.push(target);
    const occupied = await open(target, 'occupied');
    await occupied.identity.createUser({ email: 'someone@example.com', name: 'Someone', role: 'member' });
    await occupied.close();
    await expect(restoreBackup(configFor(target, 'occupied'), archive)).rejects.toThrow(
      /already holds a database.*--force/,
    );
    const { counts } = await restoreBackup(configFor(target, 'occupied'), archive, { force: true });
    expect(counts).toMatchObject({ documents: 3, users: 1 });
    const restored = await open(target, 'occupied');
    try {
      expect(await restored.identity.getUserByEmail('someone@example.com')).toBeUndefined();
      expect(await restored.identity.getUserByEmail('ada@example.com')).toBeDefined();
    } finally {
      await restored.close();
    }

    await expect(restoreBackup(loadConfig({}, { dataDir: join(work, 'no-url') }), archive)).rejects.toThrow(
      /LORE_DATABASE_URL/,
    );
  });

  it('restores a backup of an older schema and migrates it to this Lore', async () => {
    const old = await createTestDatabase();
    databases.push(old);
    const pool = createPool({ url: old.url, max: 2 });
    const oldArchive = join(work, 'old.tar');
    try {
      await migratePostgres(pool, 'the old database', 2);
      await pool.query(
        `INSERT INTO users (id, email, name, role, created_at) VALUES ('u1', 'old@example.com', 'Old', 'member', now())`,
      );
      const manifest = await writeBackup(
        { snapshots: new PgSnapshots(pool), blobs: new FileBlobStore(join(work, 'old-blobs')) },
        oldArchive,
      );
      expect(manifest.schemaVersion).toBe(2);
    } finally {
      await pool.end();
    }
    const target = await createTestDatabase();
    databases.push(target);
    await restoreBackup(configFor(target, 'migrated'), oldArchive);
    const restored = await open(target, 'migrated');
    try {
      expect(await restored.identity.getUserByEmail('old@example.com')).toMatchObject({ id: 'u1' });
      expect(await restored.evaluations?.list(10)).toEqual([]);
    } finally {
      await restored.close();
    }
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      const version = await client.query<{ version: number }>(
        'SELECT max(version) AS version FROM schema_migrations',
      );
      expect(version.rows[0]?.version).toBe(pgMigrations.at(-1)?.version);
    } finally {
      await client.end();
    }
  });
});
