import { type ChunkRow, chunkColumns } from '../chunk-row.js';
import type { CollectionRow, DocumentRow } from '../document-row.js';

export { toChunkRecord } from '../chunk-row.js';
export { collectionColumns as pgCollectionColumns, toCollection, toDocumentRecord } from '../document-row.js';

/** A `collections` row. */
export type PgCollectionRow = CollectionRow;

/** A `documents` row as node-postgres returns it. */
export type PgDocumentRow = DocumentRow;

/** A `chunks` row without its term columns. */
export type PgChunkRow = ChunkRow;

export const pgChunkColumns = chunkColumns;

/** Field numbers of the `postings`, `field_stats` and `term_stats` tables. */
export const fieldNumber = { title: 0, body: 1 } as const;

export function iso(value: Date | string): string {
  return typeof value === 'string' ? new Date(value).toISOString() : value.toISOString();
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
