import type { ChunkRecord } from '../../../core/records.js';
import type {
  ChangeCursor,
  ChunkChanges,
  ChunkTerms,
  IndexedChunkRow,
  VectorOwners,
  VectorRows,
} from '../../../ports/store.port.js';
import type { SqliteDatabase } from './database.js';
import { blobToVector, type ChunkRow, chunkColumns, toChunkRecord, vectorToBlob } from './rows.js';

// Reads that feed the in-memory indexes (change log, vectors), kept apart from document writes.

/** Chunks added and removed since a cursor (everything from the start without one), in one read transaction. */
export function readChunkChanges(db: SqliteDatabase, cursor?: ChangeCursor): ChunkChanges {
  return db
    .transaction((): ChunkChanges => {
      if (cursor && missedPrunedDeletions(db, cursor.lastDeletionId)) {
        return { ...readChunkChanges(db), reset: true };
      }
      const from = cursor ?? { lastRowId: 0, lastDeletionId: 0 };
      const rows = db
        .prepare(
          `SELECT id, document_id, collection_id, title_terms, body_terms FROM chunks WHERE id > ? ORDER BY id`,
        )
        .all(from.lastRowId) as {
        id: number;
        document_id: string;
        collection_id: string;
        title_terms: string;
        body_terms: string;
      }[];
      const deletions = cursor
        ? (db
            .prepare(
              'SELECT id, chunk_id, title_terms, body_terms FROM chunk_deletions WHERE id > ? ORDER BY id',
            )
            .all(from.lastDeletionId) as {
            id: number;
            chunk_id: number;
            title_terms: string | null;
            body_terms: string | null;
          }[])
        : [];
      const removedTerms = new Map<number, ChunkTerms>();
      for (const row of deletions) {
        if (row.title_terms === null || row.body_terms === null) continue;
        removedTerms.set(row.chunk_id, {
          title: splitTerms(row.title_terms),
          body: splitTerms(row.body_terms),
        });
      }
      const added: IndexedChunkRow[] = rows.map((row) => ({
        rowId: row.id,
        documentId: row.document_id,
        collectionId: row.collection_id,
        terms: { title: splitTerms(row.title_terms), body: splitTerms(row.body_terms) },
      }));
      const lastDeletionId = cursor
        ? (deletions.at(-1)?.id ?? from.lastDeletionId)
        : // The newest id ever assigned (AUTOINCREMENT), even when the log was pruned since.
          ((
            db.prepare("SELECT seq AS id FROM sqlite_sequence WHERE name = 'chunk_deletions'").get() as
              | { id: number }
              | undefined
          )?.id ?? 0);
      return {
        added,
        removedRowIds: deletions.map((row) => row.chunk_id),
        ...(removedTerms.size > 0 ? { removedTerms } : {}),
        cursor: { lastRowId: added.at(-1)?.rowId ?? from.lastRowId, lastDeletionId },
      };
    })
    .deferred();
}

/** True when deletions after `lastDeletionId` were pruned from the change log before being read. */
function missedPrunedDeletions(db: SqliteDatabase, lastDeletionId: number): boolean {
  const row = db
    .prepare(
      `SELECT (SELECT min(id) FROM chunk_deletions) AS oldest,
              (SELECT seq FROM sqlite_sequence WHERE name = 'chunk_deletions') AS newest`,
    )
    .get() as { oldest: number | null; newest: number | null };
  const firstRetained = row.oldest ?? (row.newest ?? 0) + 1;
  return lastDeletionId + 1 < firstRetained;
}

/** Every vector of one embedder, as one matrix. */
export function readVectors(
  db: SqliteDatabase,
  embedderId: string,
): { rowIds: Int32Array; dimension: number; matrix: Float32Array } {
  const rows = db
    .prepare('SELECT chunk_id, dimension, vector FROM chunk_vectors WHERE embedder_id = ? ORDER BY chunk_id')
    .all(embedderId) as { chunk_id: number; dimension: number; vector: Buffer }[];
  const dimension = rows[0]?.dimension ?? 0;
  const matrix = new Float32Array(rows.length * dimension);
  const rowIds = new Int32Array(rows.length);
  rows.forEach((row, index) => {
    rowIds[index] = row.chunk_id;
    matrix.set(blobToVector(row.vector), index * dimension);
  });
  return { rowIds, dimension, matrix };
}

/** Row ids bound per statement when reading vectors of given rows. */
const rowsPerRead = 5000;

/** Vectors of one embedder for the given chunk rows, with their owners, in row id order. */
export function readVectorsOf(db: SqliteDatabase, embedderId: string, rowIds: readonly number[]): VectorRows {
  const statement = db.prepare(
    `SELECT v.chunk_id, v.dimension, v.vector, c.document_id, c.collection_id
       FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
      WHERE v.embedder_id = ? AND v.chunk_id IN (SELECT value FROM json_each(?)) ORDER BY v.chunk_id`,
  );
  const sorted = [...new Set(rowIds)].sort((a, b) => a - b);
  const rows = db
    .transaction(() => {
      const all: {
        chunk_id: number;
        dimension: number;
        vector: Buffer;
        document_id: string;
        collection_id: string;
      }[] = [];
      for (let start = 0; start < sorted.length; start += rowsPerRead) {
        const part = JSON.stringify(sorted.slice(start, start + rowsPerRead));
        all.push(...(statement.all(embedderId, part) as typeof all));
      }
      return all;
    })
    .deferred();
  const dimension = rows[0]?.dimension ?? 0;
  const matrix = new Float32Array(rows.length * dimension);
  rows.forEach((row, index) => {
    matrix.set(blobToVector(row.vector), index * dimension);
  });
  return {
    dimension,
    matrix,
    rowIds: Int32Array.from(rows, (row) => row.chunk_id),
    documentIds: rows.map((row) => row.document_id),
    collectionIds: rows.map((row) => row.collection_id),
  };
}

/** Every chunk with a vector of one embedder, with its document and collection (no vectors read). */
export function readVectorOwners(db: SqliteDatabase, embedderId: string): VectorOwners {
  const rows = db
    .prepare(
      `SELECT c.id, c.document_id, c.collection_id FROM chunks c
        WHERE EXISTS (SELECT 1 FROM chunk_vectors v WHERE v.embedder_id = ? AND v.chunk_id = c.id) ORDER BY c.id`,
    )
    .all(embedderId) as { id: number; document_id: string; collection_id: string }[];
  return {
    rowIds: Int32Array.from(rows, (row) => row.id),
    documentIds: rows.map((row) => row.document_id),
    collectionIds: rows.map((row) => row.collection_id),
  };
}

/** Chunks with no vector from this embedder yet. */
export function readChunksMissingVectors(
  db: SqliteDatabase,
  embedderId: string,
  limit: number,
  collectionId?: string,
  afterId = 0,
): ChunkRecord[] {
  const rows = db
    .prepare(
      `SELECT ${chunkColumns} FROM chunks c WHERE c.id > ? AND (? IS NULL OR c.collection_id = ?) AND NOT EXISTS
         (SELECT 1 FROM chunk_vectors v WHERE v.embedder_id = ? AND v.chunk_id = c.id) ORDER BY id LIMIT ?`,
    )
    .all(afterId, collectionId ?? null, collectionId ?? null, embedderId, limit) as ChunkRow[];
  return rows.map(toChunkRecord);
}

/** Upserts vectors of chunks that still exist. */
export function writeVectors(
  db: SqliteDatabase,
  embedderId: string,
  dimension: number,
  rows: { rowId: number; vector: Float32Array }[],
): void {
  const insert = db.prepare(
    `INSERT INTO chunk_vectors (embedder_id, chunk_id, dimension, vector) VALUES (?, ?, ?, ?)
     ON CONFLICT(embedder_id, chunk_id) DO UPDATE SET dimension = excluded.dimension, vector = excluded.vector`,
  );
  db.transaction(() => {
    for (const row of rows) {
      const exists = db.prepare('SELECT 1 FROM chunks WHERE id = ?').get(row.rowId);
      if (exists) insert.run(embedderId, row.rowId, dimension, vectorToBlob(row.vector));
    }
  }).immediate();
}

function splitTerms(value: string): string[] {
  return value.length === 0 ? [] : value.split(' ');
}
