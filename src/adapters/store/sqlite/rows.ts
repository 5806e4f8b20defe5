import type { DocumentFormat, ParseWarning } from '../../../core/document.js';
import type { Collection, DocumentRecord } from '../../../core/records.js';

export { type ChunkRow, chunkColumns, toChunkRecord } from '../chunk-row.js';

/** A `collections` row. */
export interface CollectionRow {
  id: string;
  name: string;
  description: string;
  owner_id: string | null;
  created_at: string;
}

export const collectionColumns = 'id, name, description, owner_id, created_at';

export function toCollection(row: CollectionRow): Collection {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    ...(row.owner_id ? { ownerId: row.owner_id } : {}),
    createdAt: row.created_at,
  };
}

/** A `documents` row as SQLite returns it. */
export interface DocumentRow {
  id: string;
  collection_id: string;
  source: string;
  file_name: string;
  title: string;
  format: string;
  content_hash: string;
  byte_size: number;
  page_count: number | null;
  chunk_count: number;
  warnings: string;
  tags: string;
  parser_version: string;
  chunker_version: string;
  blob_key: string | null;
  created_at: string;
  updated_at: string;
}

export function toDocumentRecord(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    collectionId: row.collection_id,
    source: row.source,
    fileName: row.file_name,
    title: row.title,
    format: row.format as DocumentFormat,
    contentHash: row.content_hash,
    byteSize: row.byte_size,
    ...(row.page_count === null ? {} : { pageCount: row.page_count }),
    chunkCount: row.chunk_count,
    warnings: JSON.parse(row.warnings) as ParseWarning[],
    tags: JSON.parse(row.tags) as string[],
    parserVersion: row.parser_version,
    chunkerVersion: row.chunker_version,
    ...(row.blob_key === null ? {} : { blobKey: row.blob_key }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Float32Array ↔ BLOB without copying more than once. */
export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function blobToVector(blob: Buffer): Float32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
