import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { LoreApp } from '../app/create-app.js';
import { LoreError } from '../core/errors.js';
import { type IngestJobPayload, ingestJobKind } from '../worker/ingest-job.runner.js';

/** Per-file result of an upload request. */
interface UploadResult {
  fileName: string;
  jobId?: string;
  error?: { code: string; message: string };
}

/**
 * Upload (multipart, field `files`, optional `collection`): each accepted file is stored as a blob
 * and becomes a durable ingest job; the answer is 202 with one job per file. Too many files is a
 * 413; a file over the size limit is rejected alone while the others are accepted.
 */
export function registerDocumentRoutes(http: Hono, app: LoreApp, notify: () => void): void {
  const { maxDocumentsPerUpload, maxFileBytes } = app.config;
  http.post(
    '/api/v1/documents',
    bodyLimit({
      maxSize: maxFileBytes * maxDocumentsPerUpload + 1024 * 1024,
      onError: () => {
        throw new LoreError(
          'file_too_large',
          'the upload is larger than LORE_MAX_FILE_BYTES × LORE_MAX_DOCUMENTS_PER_UPLOAD',
        );
      },
    }),
    async (c) => {
      const body = await c.req.parseBody({ all: true });
      const files = [body.files ?? []].flat().filter((entry): entry is File => entry instanceof File);
      if (files.length === 0)
        throw new LoreError('invalid_request', 'no files: send them in the multipart field "files"');
      if (files.length > maxDocumentsPerUpload) {
        throw new LoreError(
          'too_many_documents',
          `${files.length} files in one upload; the limit is ${maxDocumentsPerUpload} (LORE_MAX_DOCUMENTS_PER_UPLOAD)`,
        );
      }
      const collection =
        typeof body.collection === 'string' && body.collection.trim() ? body.collection.trim() : 'default';
      const results: UploadResult[] = [];
      for (const file of files) {
        const fileName = file.name.split(/[\\/]/).pop() || 'upload';
        if (file.size > maxFileBytes) {
          results.push({
            fileName,
            error: {
              code: 'file_too_large',
              message: `${fileName}: ${file.size} bytes is larger than the limit of ${maxFileBytes} (LORE_MAX_FILE_BYTES)`,
            },
          });
          continue;
        }
        const blobKey = await app.blobs.put(new Uint8Array(await file.arrayBuffer()));
        const payload: IngestJobPayload = {
          blobKey,
          fileName,
          source: `upload/${fileName}`,
          collection,
          tags: [],
        };
        const job = await app.queue.enqueue(ingestJobKind, payload, { maxAttempts: 3 });
        results.push({ fileName, jobId: job.id });
      }
      notify();
      return c.json({ files: results }, 202);
    },
  );

  http.get('/api/v1/jobs/:id', async (c) => {
    const job = await app.queue.get(c.req.param('id'));
    if (!job) throw new LoreError('not_found', `no job ${c.req.param('id')}`);
    const { payload, ...rest } = job;
    return c.json({ ...rest, fileName: (payload as IngestJobPayload).fileName });
  });
}
