import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRoutes } from '../../src/server/app.routes.js';
import { uploadStagingDir } from '../../src/server/routes/documents.routes.js';
import { IngestJobRunner, ingestJobKind } from '../../src/worker/ingest-job.runner.js';
import { describeWithDatasets, documentPath } from '../fixtures/datasets.js';
import { createTestApp } from '../fixtures/test-app.js';

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.dispose()));
});

async function setup(overrides: Record<string, unknown> = {}) {
  const app = await createTestApp({ maxDocumentsPerUpload: 3, maxFileBytes: 4096, ...overrides });
  apps.push(app);
  const runner = new IngestJobRunner(app.queue, app.blobs, app.ingest, { leaseMs: 30_000, idleMs: 50 });
  const http = createRoutes(app);
  const upload = (files: { name: string; bytes: Uint8Array<ArrayBuffer> | string }[]) => {
    const form = new FormData();
    for (const file of files) form.append('files', new File([file.bytes], file.name));
    form.append('collection', 'uploads');
    return http.request('/api/v1/documents', { method: 'POST', body: form });
  };
  return { app, runner, http, upload };
}

describe('uploads as durable jobs', () => {
  it('refuses more files than LORE_MAX_DOCUMENTS_PER_UPLOAD with 413', async () => {
    const { upload } = await setup();
    const files = Array.from({ length: 4 }, (_, i) => ({ name: `f${i}.txt`, bytes: `file ${i}` }));
    const response = await upload(files);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'too_many_documents' } });
  });

  it('stops reading at an oversized file with 413 naming it and the limit; nothing is queued or left staged', async () => {
    const { app, upload } = await setup();
    const response = await upload([
      { name: 'ok.txt', bytes: 'The staff kitchen closes at nine.' },
      { name: 'huge.txt', bytes: 'x'.repeat(5000) },
    ]);
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('file_too_large');
    expect(body.error.message).toContain('huge.txt');
    expect(body.error.message).toContain('4096');
    expect((await app.queue.counts()).queued).toBe(0);
    expect(readdirSync(uploadStagingDir(app.config.dataDir))).toEqual([]);
  });

  it('ingests uploaded files through the queue', async () => {
    const { app, runner, http, upload } = await setup();
    const response = await upload([
      { name: 'ok.txt', bytes: 'The staff kitchen closes at nine.' },
      { name: 'exact.txt', bytes: 'y'.repeat(4096) },
    ]);
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      files: { fileName: string; jobId?: string; error?: { code: string } }[];
    };
    expect(body.files.map((file) => file.fileName)).toEqual(['ok.txt', 'exact.txt']);
    const jobId = body.files[0]?.jobId;
    expect((await app.queue.get(jobId!))?.state).toBe('queued');
    expect(await runner.drain()).toBe(2);
    const job = (await (await http.request(`/api/v1/jobs/${jobId}`)).json()) as {
      state: string;
      progress: { chunks: number };
    };
    expect(job).toMatchObject({ state: 'done', progress: { chunks: 1 } });
    const hits = await app.search.search({ query: 'kitchen closes' });
    expect(hits.hits[0]?.document.fileName).toBe('ok.txt');
    expect(readdirSync(uploadStagingDir(app.config.dataDir))).toEqual([]);
  });

  it('resumes a job whose worker died, without duplicating chunks', async () => {
    const { app, runner, upload } = await setup();
    await upload([{ name: 'note.txt', bytes: 'Badges are renewed every January.' }]);
    // A worker claims the job and dies: its lease runs out.
    const claimed = await app.queue.claim([ingestJobKind], 'dead-worker', 1);
    expect(claimed?.state).toBe('running');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await runner.drain()).toBe(1);
    expect(await app.queue.get(claimed!.id)).toMatchObject({ state: 'done', attempts: 2 });
    expect(await app.store.countChunks()).toBe(1);
  });
});

describe('originals shared by several uploads', () => {
  it('keeps an original that a queued upload still needs when the document moves on to another version', async () => {
    const { app, runner, upload } = await setup();
    // A client uploads v1, then v2, then (its first answer lost) v1 again: all three are queued.
    const v1 = 'The harbour office opens at seven.';
    const v2 = 'The harbour office opens at eight.';
    const jobIds: string[] = [];
    for (const bytes of [v1, v2, v1]) {
      const response = await upload([{ name: 'hours.txt', bytes }]);
      expect(response.status).toBe(202);
      jobIds.push(((await response.json()) as { files: { jobId: string }[] }).files[0]!.jobId);
    }
    // v2 replaces v1 while the resubmitted v1 is still queued: v1's original must stay.
    expect(await runner.drain()).toBe(3);
    const jobs = await Promise.all(jobIds.map((id) => app.queue.get(id)));
    expect(jobs.map((job) => [job?.state, job?.error])).toEqual([
      ['done', undefined],
      ['done', undefined],
      ['done', undefined],
    ]);
    const [document] = await app.store.listDocuments();
    expect(await app.store.getDocumentText(document!.id)).toBe(v1);
    expect(await app.blobs.has(document!.blobKey!)).toBe(true);
    // Once nothing needs it, v2's original is gone (replaced by v1 again).
    expect([...(await keysOf(app))]).toEqual([document!.blobKey]);
  });
});

async function keysOf(app: { blobs: { keys(): AsyncIterable<string> } }): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const key of app.blobs.keys()) keys.add(key);
  return keys;
}

describeWithDatasets('uploads of bad files', () => {
  it('fails the job of an encrypted file with a message naming it, and no retry', async () => {
    const { app, runner, http, upload } = await setup({ maxFileBytes: 10_000_000 });
    const bytes = new Uint8Array(readFileSync(documentPath('pdf/pdfminer__aes-128.pdf')));
    const body = (await (await upload([{ name: 'secret.pdf', bytes }])).json()) as {
      files: { jobId: string }[];
    };
    await runner.drain();
    const job = await app.queue.get(body.files[0]!.jobId);
    expect(job).toMatchObject({ state: 'failed', attempts: 1, errorCode: 'file_encrypted' });
    expect(job?.error).toContain('secret.pdf');
    expect(job?.error).toContain('password');
    // The REST job keeps the code, so clients need not guess the cause from the message.
    const shown = await (await http.request(`/api/v1/jobs/${job!.id}`)).json();
    expect(shown).toMatchObject({ state: 'failed', errorCode: 'file_encrypted' });
  });
});

describe('file names as users give them', () => {
  it('stores a safe name through the upload route: no path, no bidi spoofing, bidi override replaced', async () => {
    const { app, runner, http, upload } = await setup();
    const names = ['../../etc/passwd.txt', 'C:\\Users\\x\\report.md', 'invoice\u202Efdp.txt'];
    const response = await upload(
      names.map((name, index) => ({ name, bytes: `file ${index} lanternword${index}` })),
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as { files: { fileName: string; jobId?: string }[] };
    expect(body.files.map((file) => file.fileName)).toEqual([
      'passwd.txt',
      'report.md',
      'invoice\uFFFDfdp.txt',
    ]);
    await runner.drain();
    const documents = await app.store.listDocuments();
    expect(documents.map((document) => document.fileName).sort()).toEqual(
      ['invoice\uFFFDfdp.txt', 'passwd.txt', 'report.md'].sort(),
    );
    for (const document of documents) expect(document.source).toBe(`upload/${document.fileName}`);
    // Nothing was written outside the data folder's blob store under the given paths.
    const listed = (await (await http.request('/api/v1/documents')).json()) as {
      documents: { fileName: string }[];
    };
    expect(listed.documents.map((document) => document.fileName)).not.toContain('../../etc/passwd.txt');
  });
});
