import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/fixtures/test-app.js';
import type { IngestJobPayload } from '../../core/ingest/ingest-job.js';
import { createRoutes } from '../app.routes.js';

// The document routes over a real app on SQLite, user management off (the local user).
let app: Awaited<ReturnType<typeof createTestApp>>;
let http: ReturnType<typeof createRoutes>;
let notified: number;
beforeEach(async () => {
  app = await createTestApp({ maxDocumentsPerUpload: 3 });
  notified = 0;
  http = createRoutes(app, { notifyWorker: () => notified++ });
});
afterEach(() => app.dispose());

function uploadForm(files: Record<string, string>, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, text] of Object.entries(files)) form.append('files', new File([text], name));
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

async function ingested(fileName: string, text: string) {
  const outcome = await app.ingest.ingest({
    bytes: new TextEncoder().encode(text),
    fileName,
    source: `upload/${fileName}`,
    collection: 'handbook',
  });
  if (!outcome.document) throw new Error(`not ingested: ${outcome.error?.message}`);
  return outcome.document;
}

describe('document routes', () => {
  it('answers an upload with 202, one job a file, the tags split from the comma list', async () => {
    const response = await http.request('/api/v1/documents', {
      method: 'POST',
      body: uploadForm(
        { 'a.md': '# A', 'b.txt': 'bee' },
        { collection: ' handbook ', tags: 'hr, policy,, ' },
      ),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      collectionId: string;
      files: { fileName: string; jobId: string }[];
    };
    expect(Object.keys(body)).toEqual(['files', 'collectionId']);
    expect(body.files.map((file) => file.fileName)).toEqual(['a.md', 'b.txt']);
    expect(body.collectionId).toBe((await app.store.getCollectionByName('handbook'))?.id);
    const job = await app.queue.get(body.files[1]!.jobId);
    expect((job!.payload as IngestJobPayload).tags).toEqual(['hr', 'policy']);
    expect(notified).toBe(1);
  });

  it('refuses a body that is not multipart, and multipart without files, with the one error shape', async () => {
    const json = await http.request('/api/v1/documents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: { code: 'invalid_request', message: /multipart/ } });
    const empty = await http.request('/api/v1/documents', {
      method: 'POST',
      body: uploadForm({}, { collection: 'handbook' }),
    });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 'invalid_request', message: /no files/ } });
    expect(await app.store.getCollectionByName('handbook')).toBeUndefined();
  });

  it('lists, reads, downloads, re-indexes and deletes a document', async () => {
    const document = await ingested('pay "day"\n.md', '# Pay day\n\nSalaries are paid on the 25th.\n');
    const list = await http.request(`/api/v1/documents?collectionId=${document.collectionId}&limit=5`);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { documents: { id: string }[] }).documents.map((d) => d.id)).toEqual([
      document.id,
    ]);
    expect(await (await http.request(`/api/v1/documents/${document.id}`)).json()).toMatchObject({
      id: document.id,
      fileName: document.fileName,
    });
    const text = (await (await http.request(`/api/v1/documents/${document.id}/text`)).json()) as {
      text: string;
    };
    expect(text.text).toContain('25th');
    const chunks = await http.request(`/api/v1/documents/${document.id}/chunks`);
    expect(((await chunks.json()) as { chunks: unknown[] }).chunks.length).toBeGreaterThan(0);
    const original = await http.request(`/api/v1/documents/${document.id}/original`);
    expect(original.headers.get('content-disposition')).toBe(
      `attachment; filename="pay _day__.md"; filename*=UTF-8''${encodeURIComponent(document.fileName)}`,
    );
    expect(await original.text()).toContain('25th');

    const reindex = await http.request(`/api/v1/documents/${document.id}/reindex`, { method: 'POST' });
    expect(reindex.status).toBe(202);
    const { jobId } = (await reindex.json()) as { jobId: string };
    expect((await app.queue.get(jobId))?.payload).toMatchObject({ force: true, blobKey: document.blobKey });
    expect(notified).toBe(1);

    const removed = await http.request(`/api/v1/documents/${document.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(await app.audit.list({ limit: 1, action: 'document.delete' })).toHaveLength(1);
    const gone = await http.request(`/api/v1/documents/${document.id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({
      error: { code: 'not_found', message: `no document ${document.id}` },
    });
  });
});
