import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openStorage } from '../../src/app/storage.js';
import { loadConfig } from '../../src/config/load-config.js';
import { checkIntegrity } from '../../src/operations/integrity/check-integrity.js';
import { describeRequiring } from '../fixtures/datasets.js';
import { killAllLoreProcesses, LoreProcess } from '../fixtures/lore-process.js';
import { createMigratedDatabase, postgresUnavailable, type TestDatabase } from '../fixtures/postgres.js';
import { mountSmallVolume, type SmallVolume, smallVolumeMissing } from '../fixtures/small-volume.js';

// Disk full: the data folder (embedded database and originals) on a small tmpfs, then only the
// blob store on one (both backends). Ingestion fails with an error naming the file and the cause,
// the server stays up, what is stored stays readable and searchable and the database intact, and
// once space is freed ingestion works again.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const volumes: SmallVolume[] = [];
const databases: TestDatabase[] = [];
const folders: string[] = [];
const scratch = () => {
  const folder = mkdtempSync(join(tmpdir(), 'lore-disk-full-'));
  folders.push(folder);
  return folder;
};

afterAll(async () => {
  await killAllLoreProcesses();
  for (const volume of volumes) volume.unmount();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  await Promise.all(databases.map((database) => database.drop()));
});

const baseEnv = {
  LORE_LOG_LEVEL: 'warn',
  LORE_OCR: 'off',
  LORE_USER_MANAGEMENT: 'off',
  LORE_JOB_LEASE_MS: '2000',
};

async function upload(url: string, files: Record<string, string>): Promise<{ status: number; body: string }> {
  const form = new FormData();
  for (const [name, text] of Object.entries(files)) form.append('files', new File([text], name));
  const response = await fetch(`${url}/api/v1/documents`, { method: 'POST', body: form });
  return { status: response.status, body: await response.text() };
}

async function jobState(url: string, id: string, until: (state: string) => boolean) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = (await (await fetch(`${url}/api/v1/jobs/${id}`)).json()) as { state: string; error?: string };
    if (until(job.state) || Date.now() > deadline) return job;
    await sleep(100);
  }
}

const note = (i: number) =>
  `# Note ${i}\n\nThe harbour lantern ${i} is lit at dusk. ${'Tide tables and storm signals. '.repeat(40)}`;

describeRequiring('disk full in the data folder', smallVolumeMissing, () => {
  it('fails ingestion with the file and the cause, keeps serving what is stored, recovers when space is freed', async () => {
    const volume = mountSmallVolume(16);
    volumes.push(volume);
    const env = { ...baseEnv, LORE_DATA_DIR: volume.path };
    const api = await LoreProcess.start({ name: 'api', env: { ...env, LORE_ROLES: 'api' } });
    let worker = await LoreProcess.start({ name: 'worker', env: { ...env, LORE_ROLES: 'worker' } });
    const first = await upload(
      api.url,
      Object.fromEntries([1, 2, 3, 4].map((i) => [`note-${i}.md`, note(i)])),
    );
    expect(first.status).toBe(202);
    for (const file of (JSON.parse(first.body) as { files: { jobId: string }[] }).files)
      expect((await jobState(api.url, file.jobId, (state) => state === 'done')).state).toBe('done');
    const search = async () =>
      ((await (await fetch(`${api.url}/api/v1/search?q=harbour%20lantern`)).json()) as { hits: unknown[] })
        .hits;
    const before = await search();

    // Two uploads are queued while the worker is stopped; then the volume fills up.
    await worker.stop();
    const queued = await upload(api.url, { 'queued-a.md': note(10), 'queued-b.md': note(11) });
    expect(queued.status).toBe(202);
    const queuedJobs = (JSON.parse(queued.body) as { files: { jobId: string }[] }).files.map(
      (file) => file.jobId,
    );
    await volume.fill();

    // A new upload cannot store its original: 507 naming the file and the cause.
    const refused = await upload(api.url, { 'full.md': note(20) });
    expect(refused.status).toBe(507);
    expect(JSON.parse(refused.body)).toMatchObject({
      error: { code: 'storage_full', message: expect.stringMatching(/^full\.md: no space left/) },
    });
    // The queued jobs cannot be indexed: each fails with the file and the cause, or, when even the
    // failure cannot be recorded, waits in the queue (and is indexed once space is freed).
    worker = await worker.restart();
    await sleep(4_000);
    const waiting: string[] = [];
    for (const [index, id] of queuedJobs.entries()) {
      const job = (await (await fetch(`${api.url}/api/v1/jobs/${id}`)).json()) as {
        state: string;
        error?: string;
      };
      if (job.state === 'failed')
        expect(job.error).toMatch(new RegExp(`^queued-${'ab'[index]}\\.md: .*no space left`));
      else {
        expect(['queued', 'running']).toContain(job.state);
        waiting.push(id);
      }
    }
    expect(worker.output()).toMatch(/ingest worker cannot take jobs: .*no space left/);
    console.log(
      `disk full: ${queuedJobs.length - waiting.length} queued jobs failed with the cause, ${waiting.length} waited for space`,
    );
    // Still serving: health, search, documents and their text, as before.
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect(await search()).toEqual(before);
    const documents = (await (await fetch(`${api.url}/api/v1/documents`)).json()) as {
      documents: { id: string }[];
    };
    expect(documents.documents).toHaveLength(4);
    expect((await fetch(`${api.url}/api/v1/documents/${documents.documents[0]!.id}/text`)).status).toBe(200);
    const db = new Database(join(volume.path, 'lore.db'), { readonly: true });
    expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    db.close();
    expect(api.alive && worker.alive).toBe(true);

    // Space freed: waiting jobs finish, and the same files go in.
    await volume.free();
    for (const id of waiting)
      expect((await jobState(api.url, id, (state) => state === 'done' || state === 'failed')).state).toBe(
        'done',
      );
    const again = await upload(api.url, { 'queued-a.md': note(10), 'full.md': note(20) });
    expect(again.status).toBe(202);
    for (const file of (JSON.parse(again.body) as { files: { jobId: string }[] }).files)
      expect(
        (await jobState(api.url, file.jobId, (state) => state === 'done' || state === 'failed')).state,
      ).toBe('done');
    await api.stop();
    await worker.stop();
    const storage = await openStorage(loadConfig({}, { dataDir: volume.path }));
    try {
      const report = await checkIntegrity(storage, { verifyBlobs: true });
      expect(report.checks.filter((check) => check.severity === 'error' && check.problems > 0)).toEqual([]);
      expect(report.documents).toBe(6 + waiting.filter((id) => id !== queuedJobs[0]).length);
    } finally {
      await storage.close();
    }
  });

  for (const backend of ['sqlite', 'postgres'] as const) {
    const missing = backend === 'postgres' ? postgresUnavailable : undefined;
    it.skipIf(missing !== undefined)(
      `blob store full (${backend}): 507 naming the file, no partial file, then recovers`,
      async () => {
        const volume = mountSmallVolume(4);
        volumes.push(volume);
        const database = backend === 'postgres' ? await createMigratedDatabase() : undefined;
        if (database) databases.push(database);
        const blobs = join(volume.path, 'originals');
        const server = await LoreProcess.start({
          name: `serve-${backend}`,
          env: {
            ...baseEnv,
            LORE_DATA_DIR: scratch(),
            LORE_BLOB_URL: pathToFileURL(blobs).toString(),
            ...(database ? { LORE_DATABASE_URL: database.url } : {}),
          },
        });
        const ok = await upload(server.url, { 'kept.md': note(1) });
        expect(ok.status).toBe(202);
        await volume.fill();
        const big = `# Big\n\n${'cargo manifest '.repeat(20_000)}`;
        const refused = await upload(server.url, { 'big.md': big, 'small.md': note(2) });
        expect(refused.status).toBe(507);
        expect(JSON.parse(refused.body).error.message).toMatch(
          /^big\.md: no space left on the volume holding the original files .*\(ENOSPC\)/,
        );
        const leftovers = readdirSync(blobs, { recursive: true }).filter((name) =>
          String(name).endsWith('.tmp'),
        );
        expect(leftovers).toEqual([]);
        expect((await fetch(`${server.url}/api/v1/search?q=harbour`)).status).toBe(200);
        await volume.free();
        const again = await upload(server.url, { 'big.md': big });
        expect(again.status).toBe(202);
        const [file] = (JSON.parse(again.body) as { files: { jobId: string }[] }).files;
        expect(
          (await jobState(server.url, file!.jobId, (state) => state === 'done' || state === 'failed')).state,
        ).toBe('done');
        await server.stop();
      },
    );
  }
});
