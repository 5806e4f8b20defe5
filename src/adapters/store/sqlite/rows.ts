import type { DocumentFormat, ParseWarning } from '../../../core/document.js';
import type { ChunkRecord, Collection, DocumentRecord } from '../../../core/records.js';

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

/** A `chunks` row without its term columns. */
export interface ChunkRow {
  id: number;
  document_id: string;
  collection_id: string;
  ordinal: number;
  text: string;
  context: string;
  start_offset: number;
  end_offset: number;
  token_count: number;
  page: number | null;
  slide: number | null;
  sheet: string | null;
}

export const chunkColumns =
  'id, document_id, collection_id, ordinal, text, context, start_offset, end_offset, token_count, page, slide, sheet';

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

export function toChunkRecord(row: ChunkRow): ChunkRecord {
  return {
    id: row.id,
    documentId: row.document_id,
    collectionId: row.collection_id,
    ordinal: row.ordinal,
    text: row.text,
    context: row.context,
    start: row.start_offset,
    end: row.end_offset,
    tokenCount: row.token_count,
    ...(row.page === null ? {} : { page: row.page }),
    ...(row.slide === null ? {} : { slide: row.slide }),
    ...(row.sheet === null ? {} : { sheet: row.sheet }),
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
