import type { ChunkRecord } from '../../../core/records.js';
import type {
  ChangeCursor,
  ChunkChangeOptions,
  ChunkChanges,
  ChunkTerms,
  VectorOwners,
  VectorRows,
} from '../../../ports/store.port.js';
import { inTransaction, type PgPool, type Queryable } from './database.js';
import { type PgChunkRow, parseVector, pgChunkColumns, toChunkRecord, vectorLiteral } from './rows.js';

// Reads that feed in-memory indexes (change log, vectors) and vector upserts, apart from document writes.

type Range = [number, number];

interface FeedRow {
  id: number;
  document_id: string;
  collection_id: string;
  title_terms: string[];
  body_terms: string[];
}

interface DeletionRow {
  id: number;
  chunk_id: number;
  title_terms: string[] | null;
  body_terms: string[] | null;
}

/**
 * Chunks added and removed since a cursor, from one snapshot, safe for any number of readers and
 * writers (API replicas each keeping an index in memory).
 *
 * PostgreSQL hands out ids (chunk rows, change-log entries) before their transaction commits, so a
 * snapshot can see id 11 while id 10 is still uncommitted. A cursor that moved past 10 would skip it
 * forever: an added chunk missing from the index, or a deleted one kept. So each read records the
 * ids missing below its high-water marks (`unsettled`) with the snapshot's `xmax`, and later reads
 * re-check them until the snapshot's `xmin` passes that `xmax` — every transaction that could hold
 * them has ended, and whatever committed is visible. Re-checks are idempotent for the reader: a row
 * it already has is skipped, a removal of a row it does not have is a no-op.
 *
 * This relies on a writer having its transaction id before it takes chunk or change-log ids, which
 * holds for every writer here: a document write inserts the document row before its chunks, and a
 * deletion's log entries come from an AFTER DELETE trigger, after the DELETE took the id.
 *
 * With `limit`, at most that many rows and that many removals come back (`more` says to read on),
 * so catching up after a long pause, or the first load, proceeds in bounded steps.
 */
export async function readChunkChanges(
  pool: PgPool,
  cursor?: ChangeCursor,
  options: ChunkChangeOptions = {},
): Promise<ChunkChanges> {
  const limit = options.limit ?? null;
  return inTransaction(
    pool,
    async (client) => {
      const head = await client.query<{
        snapshot: string;
        oldest: number | null;
        newest: number | null;
      }>(
        `SELECT pg_current_snapshot()::text AS snapshot,
                (SELECT min(id) FROM chunk_deletions) AS oldest,
                pg_sequence_last_value(pg_get_serial_sequence('chunk_deletions', 'id')::regclass) AS newest`,
      );
      const snapshot = parseSnapshot(head.rows[0]?.snapshot ?? '1:1:');
      const newest = head.rows[0]?.newest ?? 0;
      // Deletions after the cursor were pruned from the log before being read: start over.
      const firstRetained = head.rows[0]?.oldest ?? newest + 1;
      const reset = cursor !== undefined && cursor.lastDeletionId + 1 < firstRetained;
      if (reset) cursor = undefined;
      const from = cursor ?? { lastRowId: 0, lastDeletionId: 0 };

      // Ranges recorded by earlier reads: re-check all; keep those some transaction may still fill.
      const earlier = from.unsettled ?? [];
      const recheckRows = earlier.flatMap((batch) => batch.rows);
      const recheckDeletions = earlier.flatMap((batch) => batch.deletions);
      const stillOpen = earlier.filter((batch) => BigInt(batch.untilXid) > snapshot.xmin);

      const rows = await client.query<FeedRow>(
        `SELECT id, document_id, collection_id, title_terms, body_terms FROM chunks
         WHERE id > $1 ORDER BY id LIMIT $2`,
        [from.lastRowId, limit],
      );
      const lastRowId = rows.rows.at(-1)?.id ?? from.lastRowId;
      const rechecked = recheckRows.length > 0 ? await inRanges<FeedRow>(client, 'rows', recheckRows) : [];

      let deletions: DeletionRow[] = [];
      let lastDeletionId: number;
      let deletionGaps: Range[] = [];
      if (cursor) {
        deletions = (
          await client.query<DeletionRow>(
            `SELECT id, chunk_id, title_terms, body_terms FROM chunk_deletions
             WHERE id > $1 ORDER BY id LIMIT $2`,
            [from.lastDeletionId, limit],
          )
        ).rows;
        lastDeletionId = deletions.at(-1)?.id ?? from.lastDeletionId;
        deletionGaps = gaps(
          from.lastDeletionId,
          deletions.map((row) => row.id),
        );
      } else {
        // A first read starts after the newest visible entry; entries below it that are not visible
        // yet may belong to transactions still running.
        const visible = await client.query<{ newest: number | null }>(
          'SELECT max(id) AS newest FROM chunk_deletions',
        );
        lastDeletionId = visible.rows[0]?.newest ?? 0;
        if (snapshot.running && lastDeletionId > 0) {
          const missing = await client.query<{ lo: number; hi: number }>(
            `SELECT lo, hi FROM (SELECT id + 1 AS lo, lead(id) OVER (ORDER BY id) - 1 AS hi FROM chunk_deletions) g
             WHERE hi >= lo`,
          );
          deletionGaps = missing.rows.map((row) => [row.lo, row.hi]);
        }
      }
      const moreDeletions = limit !== null && deletions.length === limit;
      if (recheckDeletions.length > 0)
        deletions = deletions.concat(await inRanges<DeletionRow>(client, 'deletions', recheckDeletions));

      const rowGaps = gaps(
        from.lastRowId,
        rows.rows.map((row) => row.id),
      );
      const unsettled = [...stillOpen];
      if (snapshot.running && (rowGaps.length > 0 || deletionGaps.length > 0)) {
        unsettled.push({ rows: rowGaps, deletions: deletionGaps, untilXid: snapshot.xmax.toString() });
      }

      const added = [...rows.rows, ...rechecked].map((row) => ({
        rowId: row.id,
        documentId: row.document_id,
        collectionId: row.collection_id,
        terms: { title: row.title_terms, body: row.body_terms },
      }));
      const removedTerms = new Map<number, ChunkTerms>();
      for (const row of deletions) {
        if (row.title_terms && row.body_terms)
          removedTerms.set(row.chunk_id, { title: row.title_terms, body: row.body_terms });
      }
      const more = moreDeletions || (limit !== null && rows.rows.length === limit);
      return {
        added,
        removedRowIds: deletions.map((row) => row.chunk_id),
        ...(removedTerms.size > 0 ? { removedTerms } : {}),
        cursor: {
          lastRowId,
          lastDeletionId,
          ...(unsettled.length > 0 ? { unsettled } : {}),
        },
        ...(reset ? { reset: true } : {}),
        ...(more ? { more: true } : {}),
      };
    },
    'repeatable read',
  );
}

/** A pg_snapshot (`xmin:xmax:xip,...`): transactions below xmin have ended. */
function parseSnapshot(text: string): { xmin: bigint; xmax: bigint; running: boolean } {
  const [xmin = '1', xmax = '1', xip = ''] = text.split(':');
  return { xmin: BigInt(xmin), xmax: BigInt(xmax), running: xip !== '' };
}

/** The ids in (after, ids.at(-1)] missing from the ascending `ids`, as inclusive ranges. */
export function gaps(after: number, ids: readonly number[]): Range[] {
  const result: Range[] = [];
  let expected = after + 1;
  for (const id of ids) {
    if (id > expected) result.push([expected, id - 1]);
    expected = id + 1;
  }
  return result;
}

async function inRanges<T extends object>(
  client: Queryable,
  kind: 'rows' | 'deletions',
  ranges: readonly Range[],
): Promise<T[]> {
  const sql =
    kind === 'rows'
      ? `SELECT c.id, c.document_id, c.collection_id, c.title_terms, c.body_terms
         FROM unnest($1::bigint[], $2::bigint[]) AS r(lo, hi) JOIN chunks c ON c.id BETWEEN r.lo AND r.hi
         ORDER BY c.id`
      : `SELECT d.id, d.chunk_id, d.title_terms, d.body_terms
         FROM unnest($1::bigint[], $2::bigint[]) AS r(lo, hi) JOIN chunk_deletions d ON d.id BETWEEN r.lo AND r.hi
         ORDER BY d.id`;
  const result = await client.query<T & object>(sql, [
    ranges.map((range) => range[0]),
    ranges.map((range) => range[1]),
  ]);
  return result.rows as T[];
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
