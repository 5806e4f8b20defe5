import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { runCli } from '../fixtures/cli.js';
import {
  createMigratedDatabase,
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from '../fixtures/postgres.js';
import { createTestApp } from '../fixtures/test-app.js';

const work = mkdtempSync(join(tmpdir(), 'lore-pg-migrate-'));
const databases: TestDatabase[] = [];

describeWithPostgres('PostgreSQL schema migrations and moving an embedded installation', () => {
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses to start on an unmigrated or newer schema; `lore migrate` applies it', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const config = loadConfig({}, { dataDir: join(work, 'unmigrated'), databaseUrl: database.url });
    await expect(createApp(config, { embedder: null, languageModel: null })).rejects.toThrow(
      /run `lore migrate`/,
    );

    const migrated = await runCli(['migrate'], {
      LORE_DATABASE_URL: database.url,
      LORE_DATA_DIR: join(work, 'm'),
    });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/PostgreSQL database at schema version \d+/);
    const again = await runCli(['migrate'], {
      LORE_DATABASE_URL: database.url,
      LORE_DATA_DIR: join(work, 'm'),
    });
    expect(again.stdout).toBe(migrated.stdout);
    const app = await createApp(config, { embedder: null, languageModel: null });
    await app.close();

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
    await client.end();
    await expect(createApp(config, { embedder: null, languageModel: null })).rejects.toThrow(
      /schema version 999, newer than this Lore supports/,
    );
  });

  it('`lore migrate-store` moves an embedded installation without re-parsing; search answers the same', async () => {
    const dataDir = join(work, 'embedded');
    const embedded = await createTestApp({ dataDir, databaseUrl: '' });
    const texts = {
      'tides.md': '# Tides\n\nThe harbour tide tables are published every Monday by the port office.',
      'budget.md': '# Budget\n\nQuarterly budget reviews happen in the harbour office with the finance team.',
      'garden.txt': 'Tomatoes need six hours of sun; water the garden beds at dawn.',
    };
    for (const [fileName, text] of Object.entries(texts)) {
      const outcome = await embedded.ingest.ingest({
        bytes: new TextEncoder().encode(text),
        fileName,
        source: fileName,
        collection: 'notes',
        tags: ['moved'],
      });
      expect(outcome.status).toBe('added');
    }
    const chunks = await embedded.store.chunksMissingVectors('test:moved', 100);
    await embedded.store.putVectors(
      'test:moved',
      3,
      chunks.map((chunk, index) => ({ rowId: chunk.id, vector: new Float32Array([index + 1, 0.5, -1]) })),
    );
    const user = await embedded.identity.createUser({ email: 'Ada@Example.com', name: 'Ada', role: 'admin' });
    await embedded.store.setSetting('theme', 'dark');
    await embedded.queue.enqueue('ingest-file', { blobKey: 'x'.repeat(64) });
    await embedded.evaluations?.create({
      id: 'eval-moved',
      dataset: 'scifact',
      source: 'folder',
      state: 'done',
      createdAt: '2026-01-01T10:00:00.000Z',
      finishedAt: '2026-01-01T10:05:00.000Z',
      perQuery: [{ queryId: 'q1', ndcgAt10: 1, recallAt100: 1, mrrAt10: 0.5 }],
    });
    const before = await embedded.search.search({ query: 'harbour office', limit: 5 });
    await embedded.close();

    const target = await createTestDatabase();
    databases.push(target);
    const moved = await runCli(['migrate-store', '--from', `sqlite:${dataDir}`, '--to', target.url], {});
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(/documents 3/);
    const refused = await runCli(['migrate-store', '--from', `sqlite:${dataDir}`, '--to', target.url], {});
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/already holds Lore data/);

    const app = await createApp(
      loadConfig({}, { dataDir, databaseUrl: target.url, blobUrl: join(dataDir, 'blobs') }),
      { embedder: null, languageModel: null },
    );
    try {
      const after = await app.search.search({ query: 'harbour office', limit: 5 });
      expect(after.hits.map((hit) => [hit.document.fileName, hit.chunk.id, hit.score.toFixed(5)])).toEqual(
        before.hits.map((hit) => [hit.document.fileName, hit.chunk.id, hit.score.toFixed(5)]),
      );
      const document = after.hits[0]!.document;
      expect(await app.store.getDocumentText(document.id)).toBe(
        texts[document.fileName as keyof typeof texts],
      );
      const original = await app.blobs.get((await app.store.getDocument(document.id))!.blobKey!);
      expect(new TextDecoder().decode(original)).toBe(texts[document.fileName as keyof typeof texts]);
      expect((await app.store.loadVectors('test:moved')).rowIds).toHaveLength(chunks.length);
      expect(await app.identity.getUserByEmail('ada@example.com')).toMatchObject({
        id: user.id,
        name: 'Ada',
      });
      expect(await app.store.getSetting('theme')).toBe('dark');
      expect((await app.queue.counts()).queued).toBe(1);
      expect(await app.evaluations?.get('eval-moved')).toMatchObject({
        state: 'done',
        finishedAt: '2026-01-01T10:05:00.000Z',
        perQuery: [{ queryId: 'q1', ndcgAt10: 1, recallAt100: 1, mrrAt10: 0.5 }],
      });
      // New writes continue the embedded row ids.
      const next = await app.ingest.ingest({
        bytes: new TextEncoder().encode('A new harbour note after the move.'),
        fileName: 'new.txt',
        source: 'new.txt',
        collection: 'notes',
      });
      expect(next.status).toBe('added');
      const all = await app.search.search({ query: 'harbour', limit: 10 });
      expect(all.hits.map((hit) => hit.document.fileName)).toContain('new.txt');
    } finally {
      await app.close();
    }
  });

  it('creates databases on demand', async () => {
    const database = await createMigratedDatabase();
    databases.push(database);
    const app = await createTestApp({ databaseUrl: database.url });
    expect(await app.store.countChunks()).toBe(0);
    await app.dispose();
  });
});
