import { join } from 'node:path';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { LoreApp } from '../../app/create-app.js';
import { type ErrorCode, LoreError, toLoreError } from '../../core/errors.js';
import { requireScope } from '../../core/identity/access.service.js';
import type { ApiScope, Principal } from '../../core/identity/identity.records.js';
import type { DocumentRecord } from '../../core/records.js';
import { type IngestJobPayload, ingestJobKind } from '../../worker/ingest-job.runner.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, errorResponse, json, signedIn } from '../openapi.js';
import { ChunkSchema, DocumentSchema, IdParam, IdText } from '../schemas.js';
import { resolveUploadCollection } from './collection-access.js';
import { readUploadStream, type StagedUpload, sweepStagedUploads } from './upload-stream.js';

const UploadResultSchema = z
  .object({
    files: z.array(
      z.object({
        fileName: z.string(),
        jobId: z.string().optional(),
        error: z.object({ code: z.string(), message: z.string() }).optional(),
      }),
    ),
    collectionId: z.string(),
  })
  .openapi('UploadResult');

/** Failures of the server's storage rather than of a file: the upload reports them per file. */
const storageFailures = new Set<ErrorCode>(['storage_full', 'storage_unavailable', 'storage_error']);

const upload = createRoute({
  method: 'post',
  path: '/api/v1/documents',
  tags: ['documents'],
  summary: 'Upload files; each becomes a durable ingestion job',
  description:
    'Multipart form: `files` (repeatable), optional `collection` (name; created and owned by the caller when new), optional `tags` (comma separated). Answers 202 with one job per accepted file. The body is streamed to disk: the first file over LORE_MAX_FILE_BYTES stops the reading with 413 (file_too_large, naming the file and the limit) and nothing from that upload is stored.',
  security: signedIn,
  request: {
    body: {
      content: {
        'multipart/form-data': {
          // A plain schema object: documented, but read by the handler (files stream in as File objects).
          schema: {
            type: 'object',
            required: ['files'],
            properties: {
              files: { type: 'array', items: { type: 'string', format: 'binary' } },
              collection: { type: 'string' },
              tags: { type: 'string', description: 'comma separated' },
            },
          },
        },
      },
    },
  },
  responses: {
    202: json(UploadResultSchema, 'Accepted files and their jobs'),
    413: commonErrors[400],
    507: errorResponse(
      'No space left to store the originals or the queue (storage_full); the message names the file',
    ),
    ...commonErrors,
  },
});

const list = createRoute({
  method: 'get',
  path: '/api/v1/documents',
  tags: ['documents'],
  summary: 'List readable documents, newest first',
  security: signedIn,
  request: {
    query: z.object({
      collectionId: IdText.optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: { 200: json(z.object({ documents: z.array(DocumentSchema) }), 'Documents'), ...commonErrors },
});

const getOne = createRoute({
  method: 'get',
  path: '/api/v1/documents/{id}',
  tags: ['documents'],
  summary: 'One document',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(DocumentSchema, 'The document'), ...commonErrors },
});

const remove = createRoute({
  method: 'delete',
  path: '/api/v1/documents/{id}',
  tags: ['documents'],
  summary: 'Delete a document with its chunks and (when unused elsewhere) its original',
  security: signedIn,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

const reindex = createRoute({
  method: 'post',
  path: '/api/v1/documents/{id}/reindex',
  tags: ['documents'],
  summary: 'Parse and index the stored original again (e.g. after a parser upgrade)',
  security: signedIn,
  request: { params: IdParam },
  responses: { 202: json(z.object({ jobId: z.string() }), 'Queued'), ...commonErrors },
});

const original = createRoute({
  method: 'get',
  path: '/api/v1/documents/{id}/original',
  tags: ['documents'],
  summary: 'Download the original file',
  security: signedIn,
  request: { params: IdParam },
  responses: {
    200: {
      description: 'The original bytes',
      content: { 'application/octet-stream': { schema: z.string() } },
    },
    ...commonErrors,
  },
});

const text = createRoute({
  method: 'get',
  path: '/api/v1/documents/{id}/text',
  tags: ['documents'],
  summary: 'Extracted text; citation spans index into it',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(z.object({ text: z.string() }), 'The extracted text'), ...commonErrors },
});

const chunks = createRoute({
  method: 'get',
  path: '/api/v1/documents/{id}/chunks',
  tags: ['documents'],
  summary: 'Chunks of a document in order',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(z.object({ chunks: z.array(ChunkSchema) }), 'Chunks'), ...commonErrors },
});

/** Documents: upload (durable jobs), list, get, delete, re-index, download, text and chunks. */
export function registerDocumentRoutes(router: OpenAPIHono<AppEnv>, app: LoreApp, notify: () => void): void {
  const { maxDocumentsPerUpload, maxFileBytes } = app.config;
  const stagingDir = uploadStagingDir(app.config.dataDir);
  void sweepStagedUploads(stagingDir);
  router.openapi(upload, async (c) => {
    const principal = principalOf(c);
    const contentType = c.req.header('content-type') ?? '';
    if (!contentType.startsWith('multipart/form-data')) {
      throw new LoreError('invalid_request', 'send the files as multipart/form-data in the field "files"');
    }
    // Streamed to temp files in the data folder; an oversized file stops the reading with 413.
    const staged = await readUploadStream(c.req.raw.body, contentType, {
      stagingDir,
      maxFileBytes,
      maxFiles: maxDocumentsPerUpload,
    });
    try {
      return await acceptUpload(c, staged, principal);
    } finally {
      await staged.discard();
    }
  });

  const acceptUpload = async (c: Context<AppEnv>, staged: StagedUpload, principal: Principal) => {
    const files = staged.files;
    if (files.length === 0)
      throw new LoreError('invalid_request', 'no files: send them in the multipart field "files"');
    const body = Object.fromEntries(staged.fields);
    const collection = await resolveUploadCollection(app, principal, textField(body.collection));
    const tags = (textField(body.tags) ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean)
      .slice(0, 50);
    const results: z.infer<typeof UploadResultSchema>['files'] = [];
    const storageFailed: LoreError[] = [];
    for (const file of files) {
      const fileName = file.fileName;
      try {
        const blobKey = await app.blobs.putFile(file.path, file.sha256);
        const payload: IngestJobPayload = {
          blobKey,
          fileName,
          source: `upload/${fileName}`,
          collection: collection.name,
          collectionId: collection.id,
          tags,
          ...(principal.userId ? { requestedBy: principal.userId } : {}),
        };
        // One document's uploads are indexed in the order they arrived, retries included.
        const job = await app.queue.enqueue(ingestJobKind, payload, {
          maxAttempts: 3,
          orderKey: ingestOrderKey(collection.id, payload.source),
        });
        results.push({ fileName, jobId: job.id });
      } catch (error) {
        const failure = toLoreError(error, 'storage_error');
        if (!storageFailures.has(failure.code)) throw error;
        // Disk full, database down: this file is not queued; say which file and why.
        storageFailed.push(
          new LoreError(failure.code, `${fileName}: ${failure.message}`, {
            cause: failure,
            details: failure.details,
          }),
        );
        results.push({ fileName, error: { code: failure.code, message: `${fileName}: ${failure.message}` } });
      }
    }
    notify();
    // Nothing accepted because of the server's storage: answer with that status (507, 503), not 202.
    const first = storageFailed[0];
    if (first && results.every((result) => result.error)) throw first;
    return c.json({ files: results, collectionId: collection.id }, 202);
  };

  router.openapi(list, async (c) => {
    const query = c.req.valid('query');
    const filter = await app.access.readFilter(
      principalOf(c),
      query.collectionId ? { collectionIds: [query.collectionId] } : {},
    );
    const documents = await app.store.listDocuments({
      ...(filter.collectionIds ? { collectionIds: filter.collectionIds } : {}),
      limit: query.limit,
      offset: query.offset,
    });
    return c.json({ documents }, 200);
  });

  router.openapi(getOne, async (c) =>
    c.json(await readable(app, principalOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(remove, async (c) => {
    const principal = principalOf(c);
    const document = await readable(app, principal, c.req.valid('param').id, 'write');
    await app.access.require(principal, document.collectionId, 'editor');
    await app.ingest.remove(document.id);
    await app.audit.append({
      ...(principal.userId ? { actorId: principal.userId } : {}),
      action: 'document.delete',
      target: `document:${document.id}`,
      details: { fileName: document.fileName, collectionId: document.collectionId },
    });
    return c.body(null, 204);
  });

  router.openapi(reindex, async (c) => {
    const principal = principalOf(c);
    const document = await readable(app, principal, c.req.valid('param').id, 'write');
    await app.access.require(principal, document.collectionId, 'editor');
    if (!document.blobKey || !(await app.blobs.has(document.blobKey))) {
      throw new LoreError(
        'conflict',
        `${document.fileName}: the original file is not stored, so it cannot be re-indexed`,
      );
    }
    const collection = await app.store.getCollection(document.collectionId);
    const job = await app.queue.enqueue(
      ingestJobKind,
      {
        blobKey: document.blobKey,
        fileName: document.fileName,
        source: document.source,
        collection: collection?.name ?? 'default',
        collectionId: document.collectionId,
        tags: document.tags,
        force: true,
        ...(principal.userId ? { requestedBy: principal.userId } : {}),
      } satisfies IngestJobPayload,
      {
        maxAttempts: 3,
        dedupKey: `reindex:${document.id}`,
        orderKey: ingestOrderKey(document.collectionId, document.source),
      },
    );
    notify();
    return c.json({ jobId: job.id }, 202);
  });

  router.openapi(original, async (c) => {
    const document = await readable(app, principalOf(c), c.req.valid('param').id);
    if (!document.blobKey || !(await app.blobs.has(document.blobKey))) {
      throw new LoreError('not_found', `${document.fileName}: the original file is not stored`);
    }
    const bytes = await app.blobs.get(document.blobKey);
    return new Response(new Uint8Array(bytes), {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(bytes.byteLength),
        'Content-Disposition': `attachment; filename="${document.fileName.replace(/["\\\r\n]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(document.fileName)}`,
      },
    }) as never;
  });

  router.openapi(text, async (c) => {
    const document = await readable(app, principalOf(c), c.req.valid('param').id);
    return c.json({ text: (await app.store.getDocumentText(document.id)) ?? '' }, 200);
  });

  router.openapi(chunks, async (c) => {
    const document = await readable(app, principalOf(c), c.req.valid('param').id);
    return c.json({ chunks: await app.store.listDocumentChunks(document.id) }, 200);
  });
}

/**
 * The document when the principal can read its collection, else not found (no leak); then the
 * credential must carry `scope` (`read` to see it, `write` to change it).
 */
export async function readable(
  app: LoreApp,
  principal: Principal,
  id: string,
  scope: ApiScope = 'read',
): Promise<DocumentRecord> {
  const document = await app.store.getDocument(id);
  const missing = new LoreError('not_found', `no document ${id}`);
  if (!document) throw missing;
  const permission = await app.access.permissionOn(principal, document.collectionId).catch(() => undefined);
  if (!permission) throw missing;
  requireScope(principal, scope);
  return document;
}

/** Where uploads are staged while they stream in: inside the data folder, beside the database. */
export function uploadStagingDir(dataDir: string): string {
  return join(dataDir, 'tmp', 'uploads');
}

/** Order key of the ingest jobs of one document (collection + source). */
function ingestOrderKey(collectionId: string, source: string): string {
  return `ingest:${collectionId}:${source}`;
}

function textField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
