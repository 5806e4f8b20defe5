import type { DocumentFormat, ParseWarning } from '../../core/document.js';
import type { Collection, DocumentRecord } from '../../core/records.js';
import { type Instant, instantText, type JsonColumn, jsonColumn } from './row-values.js';

/** A `collections` row (the same columns in the SQLite and PostgreSQL schemas). */
export interface CollectionRow {
  id: string;
  name: string;
  description: string;
  owner_id: string | null;
  created_at: Instant;
}

export const collectionColumns = 'id, name, description, owner_id, created_at';

export function toCollection(row: CollectionRow): Collection {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    ...(row.owner_id ? { ownerId: row.owner_id } : {}),
    createdAt: instantText(row.created_at),
  };
}

/** A `documents` row (warnings and tags: jsonb or JSON text). */
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
  warnings: JsonColumn<ParseWarning[]>;
  tags: JsonColumn<string[]>;
  parser_version: string;
  chunker_version: string;
  blob_key: string | null;
  created_at: Instant;
  updated_at: Instant;
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
    warnings: jsonColumn(row.warnings),
    tags: jsonColumn(row.tags),
    parserVersion: row.parser_version,
    chunkerVersion: row.chunker_version,
    ...(row.blob_key === null ? {} : { blobKey: row.blob_key }),
    createdAt: instantText(row.created_at),
    updatedAt: instantText(row.updated_at),
  };
}
