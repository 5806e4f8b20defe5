import type { ChunkRecord } from '../../../core/records.js';
import type { ChangeCursor, ChunkChanges, VectorOwners, VectorRows } from '../../../ports/store.port.js';
import { inTransaction, type PgPool } from './database.js';
import { type PgChunkRow, parseVector, pgChunkColumns, toChunkRecord, vectorLiteral } from './rows.js';

// Reads that feed in-memory indexes (change log, vectors) and vector upserts, apart from document writes.

/**
 * Chunks added and removed since a cursor, from one snapshot. On PostgreSQL, concurrent writers
 * may commit row ids out of order, so a cursor can skip a row committed late; the PostgreSQL
 * backend ranks in SQL (PgLexicalRetriever) and does not depend on this feed for retrieval.
 */
export async function readChunkChanges(pool: PgPool, cursor?: ChangeCursor): Promise<ChunkChanges> {
  return inTransaction(
    pool,
    async (client) => {
      const log = await client.query<{ oldest: number | null; newest: number | null }>(
        `SELECT (SELECT min(id) FROM chunk_deletions) AS oldest,
                pg_sequence_last_value(pg_get_serial_sequence('chunk_deletions', 'id')::regclass) AS newest`,
      );
      const newest = log.rows[0]?.newest ?? 0;
      // Deletions after the cursor were pruned from the log before being read: start over.
      const firstRetained = log.rows[0]?.oldest ?? newest + 1;
      const reset = cursor !== undefined && cursor.lastDeletionId + 1 < firstRetained;
      if (reset) cursor = undefined;
      const from = cursor ?? { lastRowId: 0, lastDeletionId: 0 };
      const rows = await client.query<{
        id: number;
        document_id: string;
        collection_id: string;
        title_terms: string[];
        body_terms: string[];
      }>(
        'SELECT id, document_id, collection_id, title_terms, body_terms FROM chunks WHERE id > $1 ORDER BY id',
        [from.lastRowId],
      );
      const deletions = cursor
        ? (
            await client.query<{ id: number; chunk_id: number }>(
              'SELECT id, chunk_id FROM chunk_deletions WHERE id > $1 ORDER BY id',
              [from.lastDeletionId],
            )
          ).rows
        : [];
      // Without a cursor: the newest id ever assigned, even when the log was pruned since.
      const lastDeletionId = cursor ? (deletions.at(-1)?.id ?? from.lastDeletionId) : newest;
      const added = rows.rows.map((row) => ({
        rowId: row.id,
        documentId: row.document_id,
        collectionId: row.collection_id,
        terms: { title: row.title_terms, body: row.body_terms },
      }));
      return {
        added,
        removedRowIds: deletions.map((row) => row.chunk_id),
        cursor: { lastRowId: added.at(-1)?.rowId ?? from.lastRowId, lastDeletionId },
        ...(reset ? { reset: true } : {}),
      };
    },
    'repeatable read',
  );
}

/** Every vector of one embedder, as one matrix. */
export async function readVectors(
  pool: PgPool,
  embedderId: string,
): Promise<{ rowIds: Int32Array; dimension: number; matrix: Float32Array }> {
  const result = await pool.query<{ chunk_id: number; dimension: number; vector: string }>(
    'SELECT chunk_id, dimension, vector::text AS vector FROM chunk_vectors WHERE embedder_id = $1 ORDER BY chunk_id',
    [embedderId],
  );
  const dimension = result.rows[0]?.dimension ?? 0;
  const matrix = new Float32Array(result.rows.length * dimension);
  const rowIds = new Int32Array(result.rows.length);
  result.rows.forEach((row, index) => {
    rowIds[index] = row.chunk_id;
    matrix.set(parseVector(row.vector), index * dimension);
  });
  return { rowIds, dimension, matrix };
}

/** Vectors of one embedder for the given chunk rows, with their owners, in row id order. */
export async function readVectorsOf(
  pool: PgPool,
  embedderId: string,
  rowIds: readonly number[],
): Promise<VectorRows> {
  const result = await pool.query<{
    chunk_id: number;
    dimension: number;
    vector: string;
    document_id: string;
    collection_id: string;
  }>(
    `SELECT v.chunk_id, v.dimension, v.vector::text AS vector, c.document_id, c.collection_id
       FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
      WHERE v.embedder_id = $1 AND v.chunk_id = ANY($2::integer[]) ORDER BY v.chunk_id`,
    [embedderId, [...new Set(rowIds)]],
  );
  const dimension = result.rows[0]?.dimension ?? 0;
  const matrix = new Float32Array(result.rows.length * dimension);
  result.rows.forEach((row, index) => {
    matrix.set(parseVector(row.vector), index * dimension);
  });
  return {
    dimension,
    matrix,
    rowIds: Int32Array.from(result.rows, (row) => row.chunk_id),
    documentIds: result.rows.map((row) => row.document_id),
    collectionIds: result.rows.map((row) => row.collection_id),
  };
}

/** Every chunk with a vector of one embedder, with its document and collection (no vectors read). */
export async function readVectorOwners(pool: PgPool, embedderId: string): Promise<VectorOwners> {
  const result = await pool.query<{ id: number; document_id: string; collection_id: string }>(
    `SELECT c.id, c.document_id, c.collection_id FROM chunks c
      WHERE EXISTS (SELECT 1 FROM chunk_vectors v WHERE v.embedder_id = $1 AND v.chunk_id = c.id) ORDER BY c.id`,
    [embedderId],
  );
  return {
    rowIds: Int32Array.from(result.rows, (row) => row.id),
    documentIds: result.rows.map((row) => row.document_id),
    collectionIds: result.rows.map((row) => row.collection_id),
  };
}

/** Chunks with no vector from this embedder yet. */
export async function readChunksMissingVectors(
  pool: PgPool,
  embedderId: string,
  limit: number,
  collectionId?: string,
  afterId = 0,
): Promise<ChunkRecord[]> {
  const result = await pool.query<PgChunkRow>(
    `SELECT ${pgChunkColumns} FROM chunks c WHERE c.id > $4 AND ($3::text IS NULL OR c.collection_id = $3) AND NOT EXISTS
       (SELECT 1 FROM chunk_vectors v WHERE v.embedder_id = $1 AND v.chunk_id = c.id) ORDER BY id LIMIT $2`,
    [embedderId, limit, collectionId ?? null, afterId],
  );
  return result.rows.map(toChunkRecord);
}

/** Upserts vectors of chunks that still exist. */
export async function writeVectors(
  pool: PgPool,
  embedderId: string,
  dimension: number,
  rows: { rowId: number; vector: Float32Array }[],
): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO chunk_vectors (embedder_id, chunk_id, dimension, vector)
     SELECT $1, t.chunk_id, $2, t.vector::vector FROM unnest($3::integer[], $4::text[]) AS t(chunk_id, vector)
     WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.id = t.chunk_id)
     ORDER BY t.chunk_id
     ON CONFLICT (embedder_id, chunk_id) DO UPDATE SET dimension = excluded.dimension, vector = excluded.vector`,
    [embedderId, dimension, rows.map((row) => row.rowId), rows.map((row) => vectorLiteral(row.vector))],
  );
}

/** Deletes every vector of one embedder. */
export async function removeVectors(
  pool: PgPool,
  embedderId: string,
  collectionId?: string,
): Promise<number> {
  if (collectionId === undefined)
    return (await pool.query('DELETE FROM chunk_vectors WHERE embedder_id = $1', [embedderId])).rowCount ?? 0;
  const result = await pool.query(
    `DELETE FROM chunk_vectors v USING chunks c
     WHERE v.embedder_id = $1 AND c.id = v.chunk_id AND c.collection_id = $2`,
    [embedderId, collectionId],
  );
  return result.rowCount ?? 0;
}
