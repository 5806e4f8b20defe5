import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import type { LoreApp } from '../../src/app/create-app.js';
import { createApp } from '../../src/app/create-app.js';
import { createProfileEmbedder } from '../../src/app/providers.js';
import { loadConfig } from '../../src/config/load-config.js';
import { checkIntegrity } from '../../src/operations/integrity/check-integrity.js';
import { ChaosCorpus, Random } from '../chaos/chaos-corpus.js';
import { type ChaosBackend, type ChaosInstallation, openInstallation } from '../chaos/chaos-installation.js';
import { postgresObserver, settled, sqliteObserver } from '../chaos/chaos-observer.js';
import { runCli } from '../fixtures/cli.js';
import { describeRequiring } from '../fixtures/datasets.js';
import { killAllLoreProcesses, LoreProcess } from '../fixtures/lore-process.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../fixtures/postgres.js';

// `lore backup` taken while a worker ingests a batch, restored into an empty data folder (and an
// empty PostgreSQL database): document by document the restored installation is whole (lore check:
// chunks, text, terms and postings, vectors, originals by checksum), holds only versions the source
// held, and finishes the jobs that were pending at backup time.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const databases: TestDatabase[] = [];
const folders: string[] = [];

afterAll(async () => {
  await killAllLoreProcesses();
  await Promise.all(databases.map((database) => database.drop()));
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

for (const backend of ['sqlite', 'postgres'] as ChaosBackend[]) {
  const missing = backend === 'postgres' ? postgresUnavailable : undefined;
  describeRequiring(`backup during ingestion (${backend})`, missing, () => {
    it('restores to a consistent state, checked document by document, and resumes pending jobs', async () => {
      const source = backend === 'postgres' ? await createTestDatabase() : undefined;
      if (source) databases.push(source);
      const installation = await openInstallation({
        backend,
        ...(source ? { databaseUrl: source.url } : {}),
      });
      const work = mkdtempSync(join(tmpdir(), `lore-backup-ingest-${backend}-`));
      folders.push(work);
      try {
        await run(installation, work);
      } finally {
        await killAllLoreProcesses();
        await installation.dispose();
      }
    });
  });
}

async function run(installation: ChaosInstallation, work: string): Promise<void> {
  const env = installation.env('serve', 'api,worker', 'default', { LORE_WORKER_CONCURRENCY: '2' });
  const server = await LoreProcess.start({ name: 'serve', env });
  const corpus = new ChaosCorpus(new Random(42));
  const files = [
    // Two long documents first (the two runners take them), the short ones behind, long ones last:
    // enough work that the second backup (after 6 are done) still finds jobs pending, now that
    // chunking is linear and a short note ingests in milliseconds.
    corpus.note(undefined, 70),
    corpus.note(undefined, 70),
    ...Array.from({ length: 30 }, () => corpus.note()),
    ...Array.from({ length: 4 }, () => corpus.note(undefined, 70)),
  ];
  const form = new FormData();
  for (const file of files) form.append('files', new File([Buffer.from(file.bytes)], file.name));
  const response = await fetch(`${server.url}/api/v1/documents`, { method: 'POST', body: form });
  expect(response.status).toBe(202);

  // Back up twice while the batch is being ingested.
  const archives: string[] = [];
  for (const [index, wanted] of [0, 6].entries()) {
    for (;;) {
      const done = (await installation.observer.jobs()).filter((job) => job.state === 'done').length;
      if (done >= wanted) break;
      await sleep(20);
    }
    const archive = join(work, `during-${index}.tar.gz`);
    const backup = await runCli(['backup', archive], env);
    expect(backup.code, backup.stderr).toBe(0);
    archives.push(archive);
  }
  while (!settled(await installation.observer.jobs())) await sleep(200);
  const original = await installation.reference();
  const finalState = new Map(
    (await original.store.listDocuments()).map((document) => [document.source, document.contentHash]),
  );
  await original.close();
  expect(finalState.size).toBe(files.length);

  const restoredDocuments: number[] = [];
  for (const [index, archive] of archives.entries()) {
    const target = await restoreInto(installation, work, archive, index);
    const restored = await openRestored(target.env);
    try {
      const report = await checkIntegrity(restored, { verifyBlobs: true });
      // Jobs running at backup time keep their (now expired) leases: a warning, taken over on restart.
      const problems = report.checks.filter((check) => check.problems > 0 && check.name !== 'job-leases');
      expect(problems).toEqual([]);
      const documents = await restored.store.listDocuments();
      restoredDocuments.push(documents.length);
      for (const document of documents) {
        // Every restored document is a version the source held (nothing half-written or invented).
        expect(finalState.get(document.source), document.source).toBe(document.contentHash);
        expect(await restored.store.listDocumentChunks(document.id)).toHaveLength(document.chunkCount);
        const original = await restored.blobs.get(document.blobKey!);
        expect(original.byteLength).toBe(document.byteSize);
      }
    } finally {
      await restored.close();
    }
    // The restored installation finishes what was pending at backup time.
    const observer = target.observer;
    const pending = (await observer.jobs()).filter(
      (job) => job.state === 'queued' || job.state === 'running',
    );
    expect(pending.length, 'the backup was taken while jobs were pending').toBeGreaterThan(0);
    console.log(
      `${installation.backend} backup ${index}: ${(await observer.jobs()).length - pending.length} jobs done, ${pending.length} pending`,
    );
    const resumed = await LoreProcess.start({ name: `restored-${index}`, env: target.env });
    while (!settled(await observer.jobs())) await sleep(200);
    await resumed.stop();
    const finished = await openRestored(target.env);
    try {
      const after = new Map(
        (await finished.store.listDocuments()).map((document) => [document.source, document.contentHash]),
      );
      expect(after).toEqual(finalState);
      const report = await checkIntegrity(finished, { verifyBlobs: true });
      expect(report.checks.filter((check) => check.problems > 0)).toEqual([]);
    } finally {
      await finished.close();
      await observer.close();
    }
  }
  // At least one backup caught documents already indexed next to pending ones.
  expect(Math.max(...restoredDocuments)).toBeGreaterThan(0);
  await server.stop();
}

/** Restores an archive into a new data folder (and, for PostgreSQL, a new empty database). */
async function restoreInto(installation: ChaosInstallation, work: string, archive: string, index: number) {
  const dataDir = join(work, `restored-${index}`);
  const database = installation.backend === 'postgres' ? await createTestDatabase() : undefined;
  if (database) databases.push(database);
  const env = installation.env(`restored-${index}`, 'api,worker', 'default', {
    LORE_DATA_DIR: dataDir,
    ...(database
      ? {
          LORE_DATABASE_URL: database.url,
          LORE_BLOB_URL: pathToFileURL(join(dataDir, 'originals')).toString(),
        }
      : {}),
  });
  const restore = await runCli(['restore', archive], env);
  expect(restore.code, restore.stderr).toBe(0);
  return { env, observer: database ? postgresObserver(database.url) : sqliteObserver(dataDir) };
}

async function openRestored(env: Record<string, string>): Promise<LoreApp> {
  const config = loadConfig(env);
  return createApp(config, { embedder: createProfileEmbedder(config, 'default'), languageModel: null });
}
