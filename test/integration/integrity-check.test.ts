import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createApp, type LoreApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { checkIntegrity } from '../../src/operations/integrity/check-integrity.js';
import { OrphanBlobCollector } from '../../src/operations/integrity/orphan-blobs.js';
import type { Embedder } from '../../src/ports/embedder.port.js';
import { runCli } from '../fixtures/cli.js';
import { describeRequiring } from '../fixtures/datasets.js';
import { createMigratedDatabase, postgresUnavailable, type TestDatabase } from '../fixtures/postgres.js';

// lore check finds each kind of damage it claims to, on both backends: damage is made with raw SQL
// and file edits on a healthy installation, and the named check must report it.

const embedder: Embedder = {
  id: 'test:integrity',
  maxBatchSize: 8,
  dimension: async () => 3,
  embed: async (texts) => texts.map((text) => new Float32Array([text.length, 1, 0.5])),
};
const texts: Record<string, string> = {
  'tides.md': '# Tides\n\nThe harbour tide tables are published every Monday by the port office.',
  'budget.md': `# Budget\n\n${'Quarterly budget reviews happen in the harbour office. '.repeat(120)}`,
  'garden.txt': 'Tomatoes need six hours of sun; water the garden beds at dawn.',
};
const work = mkdtempSync(join(tmpdir(), 'lore-integrity-'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
  rmSync(work, { recursive: true, force: true });
});

async function healthy(
  backend: 'sqlite' | 'postgres',
): Promise<{ app: LoreApp; dataDir: string; url?: string }> {
  const dataDir = mkdtempSync(join(work, `${backend}-`));
  const database = backend === 'postgres' ? await createMigratedDatabase() : undefined;
  if (database) databases.push(database);
  const app = await createApp(
    loadConfig({}, { dataDir, ...(database ? { databaseUrl: database.url } : {}) }),
    {
      embedder,
      languageModel: null,
    },
  );
  for (const [fileName, text] of Object.entries(texts)) {
    const outcome = await app.ingest.ingest({
      bytes: new TextEncoder().encode(text),
      fileName,
      source: fileName,
      collection: 'notes',
    });
    expect(outcome.status).toBe('added');
  }
  return { app, dataDir, ...(database ? { url: database.url } : {}) };
}

const failing = async (app: LoreApp) =>
  Object.fromEntries(
    (await checkIntegrity(app, { verifyBlobs: true })).checks
      .filter((check) => check.problems > 0)
      .map((check) => [check.name, check.problems]),
  );

for (const backend of ['sqlite', 'postgres'] as const) {
  describeRequiring(
    `lore check on ${backend}`,
    backend === 'postgres' ? postgresUnavailable : undefined,
    () => {
      it('passes a healthy installation and names every kind of damage', async () => {
        const { app, dataDir, url } = await healthy(backend);
        const sql = backend === 'postgres' ? new pg.Pool({ connectionString: url, max: 1 }) : undefined;
        const lite = backend === 'sqlite' ? new Database(join(dataDir, 'lore.db')) : undefined;
        const exec = async (statement: string) => {
          if (sql) await sql.query(statement);
          else lite!.exec(statement);
        };
        try {
          const clean = await checkIntegrity(app, { verifyBlobs: true });
          expect(clean.checks.filter((check) => !(check.problems === 0))).toEqual([]);
          expect(clean.ok).toBe(true);
          expect(await failing(app)).toEqual({});
          const [tides, budget, garden] = await Promise.all(
            ['tides.md', 'budget.md', 'garden.txt'].map(async (source) =>
              app.store.findDocumentBySource((await app.store.getCollectionByName('notes'))!.id, source),
            ),
          );

          await exec(`UPDATE chunks SET text = text || ' extra' WHERE document_id = '${tides!.id}'`);
          await exec(
            backend === 'sqlite'
              ? `UPDATE chunks SET body_terms = body_terms || ' forged' WHERE document_id = '${garden!.id}'`
              : `UPDATE chunks SET body_terms = body_terms || '{forged}'::text[] WHERE document_id = '${garden!.id}'`,
          );
          await exec(
            `DELETE FROM chunk_vectors WHERE chunk_id = (SELECT min(id) FROM chunks WHERE document_id = '${budget!.id}')`,
          );
          await exec(
            `DELETE FROM chunks WHERE id = (SELECT max(id) FROM chunks WHERE document_id = '${budget!.id}')`,
          );
          await exec(
            `INSERT INTO jobs (id, kind, payload, state, max_attempts, run_after, created_at, updated_at)
           VALUES ('stuck', 'ingest-file', '{}', 'running', 3, ${backend === 'sqlite' ? 0 : "'-infinity'"}, ${backend === 'sqlite' ? "'2026-01-01'" : 'now()'}, ${backend === 'sqlite' ? "'2026-01-01'" : 'now()'})`,
          );
          if (sql) {
            await exec(`UPDATE term_stats SET df = df + 1 WHERE term = 'tomato'`);
            await exec('UPDATE field_stats SET total_length = total_length + 7 WHERE field = 1');
          } else {
            lite!.pragma('foreign_keys = OFF');
            await exec(`INSERT INTO document_texts (document_id, text, blocks) VALUES ('ghost', '', '[]')`);
          }
          const originals = join(dataDir, 'blobs', tides!.blobKey!.slice(0, 2), tides!.blobKey!);
          writeFileSync(originals, 'not the original');
          rmSync(join(dataDir, 'blobs', garden!.blobKey!.slice(0, 2), garden!.blobKey!));
          const orphan = await app.blobs.put(new TextEncoder().encode('referenced by nothing'));

          const found = await failing(app);
          expect(found).toMatchObject({
            'chunk-spans': 1,
            // The forged terms, and the edited text no longer giving the terms it was indexed with.
            'chunk-terms': 2,
            'chunk-counts': 1,
            'document-vectors': 1,
            'job-states': 1,
            'blobs-intact': 1,
            'blobs-present': 1,
            'orphan-blobs': 1,
            ...(sql
              ? {
                  postings: expect.any(Number),
                  'term-stats': expect.any(Number),
                  'field-stats': expect.any(Number),
                }
              : {}),
            ...(lite ? { 'foreign-keys': 1 } : {}),
          });
          expect((await checkIntegrity(app)).ok).toBe(false);

          // The orphan goes on the second pass of the collector (grace 0), referenced originals stay.
          const collector = new OrphanBlobCollector({
            integrity: app.integrity,
            blobs: app.blobs,
            graceMs: 0,
          });
          expect(await collector.run()).toEqual({ orphans: 1, deleted: 0 });
          expect(await collector.run()).toEqual({ orphans: 1, deleted: 1 });
          expect(await app.blobs.has(orphan)).toBe(false);
          expect(await app.blobs.has(budget!.blobKey!)).toBe(true);

          if (lite) {
            const cli = await runCli(['check'], { LORE_DATA_DIR: dataDir });
            expect(cli.code).toBe(1);
            expect(cli.stdout).toMatch(/FAIL\s+chunk-spans\s+1 ×/);
            expect(cli.stdout).toMatch(/tides\.md/);
          }
        } finally {
          await sql?.end();
          lite?.close();
          await app.close();
        }
      });
    },
  );
}
