import type { DocumentFormat, ParseWarning } from '../../../core/document.js';
import type { Collection, DocumentRecord } from '../../../core/records.js';
import { type ChunkRow, chunkColumns } from '../chunk-row.js';

export { toChunkRecord } from '../chunk-row.js';

/** A `collections` row. */
export interface PgCollectionRow {
  id: string;
  name: string;
  description: string;
  owner_id: string | null;
  created_at: Date;
}

export const pgCollectionColumns = 'id, name, description, owner_id, created_at';

export function toCollection(row: PgCollectionRow): Collection {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    ...(row.owner_id === null ? {} : { ownerId: row.owner_id }),
    createdAt: iso(row.created_at),
  };
}

/** A `documents` row as node-postgres returns it. */
export interface PgDocumentRow {
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
  warnings: ParseWarning[];
  tags: string[];
  parser_version: string;
  chunker_version: string;
  blob_key: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A `chunks` row without its term columns. */
export type PgChunkRow = ChunkRow;

export const pgChunkColumns = chunkColumns;

/** Field numbers of the `postings`, `field_stats` and `term_stats` tables. */
export const fieldNumber = { title: 0, body: 1 } as const;

export function iso(value: Date | string): string {
  return typeof value === 'string' ? new Date(value).toISOString() : value.toISOString();
}

export function toDocumentRecord(row: PgDocumentRow): DocumentRecord {
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
    warnings: row.warnings,
    tags: row.tags,
    parserVersion: row.parser_version,
    chunkerVersion: row.chunker_version,
    ...(row.blob_key === null ? {} : { blobKey: row.blob_key }),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** pgvector's text form: `[1,2,3]`. */
export function vectorLiteral(vector: ArrayLike<number>): string {
  let out = '[';
  for (let i = 0; i < vector.length; i++) {
    if (i > 0) out += ',';
    const value = vector[i]!;
    out += Number.isFinite(value) ? String(value) : '0';
  }
  return `${out}]`;
}

/** Parses pgvector's text form (it is JSON). */
export function parseVector(text: string): Float32Array {
  return Float32Array.from(JSON.parse(text) as number[]);
}
