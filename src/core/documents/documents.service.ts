import type { AuditLog } from '../../ports/audit.port.js';
import type { BlobStore } from '../../ports/blob-store.port.js';
import type { Queue } from '../../ports/queue.port.js';
import type { Store } from '../../ports/store.port.js';
import type { CollectionsService } from '../collections/collections.service.js';
import { type ErrorCode, LoreError, toLoreError } from '../errors.js';
import { type AccessService, requireScope } from '../identity/access.service.js';
import type { ApiScope, Principal } from '../identity/identity.records.js';
import type { IngestService } from '../ingest/ingest.service.js';
import { type IngestJobPayload, ingestJobKind, ingestOrderKey } from '../ingest/ingest-job.js';
import type { ChunkRecord, DocumentRecord } from '../records.js';

/** A file on local disk, complete, ready to be stored as an original (e.g. a staged upload). */
export interface ArrivedFile {
  fileName: string;
  path: string;
  sha256: string;
}

export interface UploadRequest {
  files: readonly ArrivedFile[];
  /** Collection name or id; created and owned by the caller when new (see `CollectionsService.uploadTarget`). */
  collection?: string;
  tags?: readonly string[];
}

/** Per file: its job, or why it was not queued (the server's storage failed). */
export interface UploadResult {
  files: { fileName: string; jobId?: string; error?: { code: string; message: string } }[];
  collectionId: string;
}

export interface DocumentsDependencies {
  store: Store;
  blobs: BlobStore;
  queue: Queue;
  access: AccessService;
  collections: CollectionsService;
  ingest: IngestService;
  audit: AuditLog;
}

/** Failures of the server's storage rather than of a file: the upload reports them per file. */
const storageFailures = new Set<ErrorCode>(['storage_full', 'storage_unavailable', 'storage_error']);

/** At most this many tags per upload. */
const maxTags = 50;

/**
 * Documents as callers see and change them: upload (originals stored, one durable ingest job a
 * file), list and read with access checks, re-index, delete (audited). A document in a collection
 * the caller cannot read is not found, so its existence does not leak.
 *
 * @example
 * const { files } = await documents.upload(principal, { files: staged, collection: 'handbook' });
 */
export class DocumentsService {
  constructor(private readonly deps: DocumentsDependencies) {}

  /**
   * Stores each file's original and queues its ingestion. A file the server's storage cannot take
   * (disk full, database down) is reported in its entry; when that happens to every file, the
   * first such failure is thrown instead.
   */
  async upload(principal: Principal, request: UploadRequest): Promise<UploadResult> {
    if (request.files.length === 0)
      throw new LoreError('invalid_request', 'no files: send them in the multipart field "files"');
    const collection = await this.deps.collections.uploadTarget(principal, request.collection);
    const tags = (request.tags ?? []).slice(0, maxTags);
    const results: UploadResult['files'] = [];
    const storageFailed: LoreError[] = [];
    for (const file of request.files) {
      const fileName = file.fileName;
      try {
        const blobKey = await this.deps.blobs.putFile(file.path, file.sha256);
        const payload: IngestJobPayload = {
          blobKey,
          fileName,
          source: `upload/${fileName}`,
          collection: collection.name,
          collectionId: collection.id,
          tags: [...tags],
          ...(principal.userId ? { requestedBy: principal.userId } : {}),
        };
        // One document's uploads are indexed in the order they arrived, retries included.
        const job = await this.deps.queue.enqueue(ingestJobKind, payload, {
          maxAttempts: 3,
          orderKey: ingestOrderKey(collection.id, payload.source),
        });
        // The same bytes, already stored, may have been released (their document replaced) between
        // putFile and the job: store them again now that the job holds them.
        if (!(await this.deps.blobs.has(blobKey))) await this.deps.blobs.putFile(file.path, file.sha256);
        results.push({ fileName, jobId: job.id });
      } catch (error) {
        const failure = toLoreError(error, 'storage_error');
        if (!storageFailures.has(failure.code)) throw error;
        // Disk full, database down: this file is not queued; say which file and why.
        const message = `${fileName}: ${failure.message}`;
        storageFailed.push(
          new LoreError(failure.code, message, { cause: failure, details: failure.details }),
        );
        results.push({ fileName, error: { code: failure.code, message } });
      }
    }
    // Nothing accepted because of the server's storage: that status (507, 503), not accepted.
    const first = storageFailed[0];
    if (first && results.every((result) => result.error)) throw first;
    return { files: results, collectionId: collection.id };
  }

  /** Readable documents, newest first; a requested collection the caller cannot read yields none. */
  async list(
    principal: Principal,
    query: { collectionId?: string; limit?: number; offset?: number } = {},
  ): Promise<DocumentRecord[]> {
    const filter = await this.deps.access.readFilter(
      principal,
      query.collectionId ? { collectionIds: [query.collectionId] } : {},
    );
    return this.deps.store.listDocuments({
      ...(filter.collectionIds ? { collectionIds: filter.collectionIds } : {}),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
      ...(query.offset === undefined ? {} : { offset: query.offset }),
    });
  }

  /**
   * The document when the principal can read its collection, else not found (no leak); then the
   * credential must carry `scope` (`read` to see it, `write` to change it).
   */
  async get(principal: Principal, id: string, scope: ApiScope = 'read'): Promise<DocumentRecord> {
    const document = await this.deps.store.getDocument(id);
    const missing = new LoreError('not_found', `no document ${id}`);
    if (!document) throw missing;
    const permission = await this.deps.access
      .permissionOn(principal, document.collectionId)
      .catch(() => undefined);
    if (!permission) throw missing;
    requireScope(principal, scope);
    return document;
  }

  /** The extracted text (citation spans index into it). */
  async text(principal: Principal, id: string): Promise<string> {
    const document = await this.get(principal, id);
    return (await this.deps.store.getDocumentText(document.id)) ?? '';
  }

  async chunks(principal: Principal, id: string): Promise<ChunkRecord[]> {
    const document = await this.get(principal, id);
    return this.deps.store.listDocumentChunks(document.id);
  }

  /** The original file's bytes; not found when it is not stored. */
  async original(principal: Principal, id: string): Promise<{ document: DocumentRecord; bytes: Uint8Array }> {
    const document = await this.get(principal, id);
    if (!document.blobKey || !(await this.deps.blobs.has(document.blobKey))) {
      throw new LoreError('not_found', `${document.fileName}: the original file is not stored`);
    }
    return { document, bytes: await this.deps.blobs.get(document.blobKey) };
  }

  /** Queues parsing and indexing the stored original again (editor); one pending job a document. */
  async reindex(principal: Principal, id: string): Promise<{ jobId: string }> {
    const document = await this.editable(principal, id);
    if (!document.blobKey || !(await this.deps.blobs.has(document.blobKey))) {
      throw new LoreError(
        'conflict',
        `${document.fileName}: the original file is not stored, so it cannot be re-indexed`,
      );
    }
    const collection = await this.deps.store.getCollection(document.collectionId);
    const payload: IngestJobPayload = {
      blobKey: document.blobKey,
      fileName: document.fileName,
      source: document.source,
      collection: collection?.name ?? 'default',
      collectionId: document.collectionId,
      tags: document.tags,
      force: true,
      ...(principal.userId ? { requestedBy: principal.userId } : {}),
    };
    const job = await this.deps.queue.enqueue(ingestJobKind, payload, {
      maxAttempts: 3,
      dedupKey: `reindex:${document.id}`,
      orderKey: ingestOrderKey(document.collectionId, document.source),
    });
    return { jobId: job.id };
  }

  /** Deletes the document with its chunks and (when unused elsewhere) its original (editor), audited. */
  async delete(principal: Principal, id: string): Promise<DocumentRecord> {
    const document = await this.editable(principal, id);
    await this.deps.ingest.remove(document.id);
    await this.deps.audit.append({
      ...(principal.userId ? { actorId: principal.userId } : {}),
      action: 'document.delete',
      target: `document:${document.id}`,
      details: { fileName: document.fileName, collectionId: document.collectionId },
    });
    return document;
  }

  /** The document of a collection the caller may edit, with the `write` scope. */
  private async editable(principal: Principal, id: string): Promise<DocumentRecord> {
    const document = await this.get(principal, id, 'write');
    await this.deps.access.require(principal, document.collectionId, 'editor');
    return document;
  }
}
