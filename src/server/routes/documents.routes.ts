import { join } from 'node:path';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { LoreConfig } from '../../config/config.schema.js';
import type { DocumentsService } from '../../core/documents/documents.service.js';
import { LoreError } from '../../core/errors.js';
import type { Principal } from '../../core/identity/identity.records.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, errorResponse, json, signedIn } from '../openapi.js';
import { ChunkSchema, DocumentSchema, IdParam, IdText } from '../schemas.js';
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

/** What the document routes use. */
export interface DocumentRouteDependencies {
  documents: DocumentsService;
  /** Upload limits and the data folder (uploads are staged inside it). */
  uploads: Pick<LoreConfig, 'dataDir' | 'maxFileBytes' | 'maxDocumentsPerUpload'>;
  /** Wakes the in-process worker after jobs were queued. */
  notify: () => void;
}

/** Documents: upload (durable jobs), list, get, delete, re-index, download, text and chunks. */
export function registerDocumentRoutes(
  router: OpenAPIHono<AppEnv>,
  { documents, uploads, notify }: DocumentRouteDependencies,
): void {
  const { maxDocumentsPerUpload, maxFileBytes } = uploads;
  const stagingDir = uploadStagingDir(uploads.dataDir);
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
    const body = Object.fromEntries(staged.fields);
    const collection = textField(body.collection);
    const tags = (textField(body.tags) ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    try {
      const result = await documents.upload(principal, {
        files: staged.files,
        ...(collection ? { collection } : {}),
        tags,
      });
      return c.json(result satisfies z.infer<typeof UploadResultSchema>, 202);
    } finally {
      notify();
    }
  };

  router.openapi(list, async (c) => {
    const query = c.req.valid('query');
    return c.json({ documents: await documents.list(principalOf(c), query) }, 200);
  });

  router.openapi(getOne, async (c) =>
    c.json(await documents.get(principalOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(remove, async (c) => {
    await documents.delete(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });

  router.openapi(reindex, async (c) => {
    const queued = await documents.reindex(principalOf(c), c.req.valid('param').id);
    notify();
    return c.json(queued, 202);
  });

  router.openapi(original, async (c) => {
    const { document, bytes } = await documents.original(principalOf(c), c.req.valid('param').id);
    return new Response(new Uint8Array(bytes), {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(bytes.byteLength),
        'Content-Disposition': `attachment; filename="${document.fileName.replace(/["\\\r\n]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(document.fileName)}`,
      },
    }) as never;
  });

  router.openapi(text, async (c) =>
    c.json({ text: await documents.text(principalOf(c), c.req.valid('param').id) }, 200),
  );

  router.openapi(chunks, async (c) =>
    c.json({ chunks: await documents.chunks(principalOf(c), c.req.valid('param').id) }, 200),
  );
}

/** Where uploads are staged while they stream in: inside the data folder, beside the database. */
export function uploadStagingDir(dataDir: string): string {
  return join(dataDir, 'tmp', 'uploads');
}

function textField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
