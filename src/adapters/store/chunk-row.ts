import type { ChunkRecord } from '../../core/records.js';

/** A `chunks` row without its term columns (the same in the SQLite and PostgreSQL schemas). */
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
