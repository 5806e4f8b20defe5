import type {
  BlobReference,
  DatabaseIntegrity,
  IntegrityCheck,
  StoredDocument,
} from '../../../ports/integrity.port.js';
import { groupBy } from '../group-by.js';
import type { SqliteDatabase } from './database.js';
import { type ChunkRow, chunkColumns, type DocumentRow, toChunkRecord, toDocumentRecord } from './rows.js';

/** Examples kept per check. */
const exampleLimit = 5;

/** One check from the rows a query found (each row one problem, described by `describe`). */
function fromRows<T>(
  name: string,
  description: string,
  rows: T[],
  describe: (row: T) => string,
  severity: IntegrityCheck['severity'] = 'error',
): IntegrityCheck {
  return {
    name,
    description,
    severity,
    problems: rows.length,
    examples: rows.slice(0, exampleLimit).map(describe),
  };
}

/**
 * Consistency checks of the embedded database: SQLite's own `integrity_check` and
 * `foreign_key_check`, then what the schema cannot enforce (chunk collections, vector sizes, the
 * change log the in-memory indexes follow, queue leases). Read-only; safe while `lore serve` runs.
 */
export class SqliteIntegrity implements DatabaseIntegrity {
  readonly backend = 'sqlite';

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async databaseChecks(): Promise<IntegrityCheck[]> {
    const db = this.db;
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .filter((line) => line !== 'ok');
    const foreignKeys = db.pragma('foreign_key_check') as {
      table: string;
      rowid: number | null;
      parent: string;
    }[];
    return db
      .transaction((): IntegrityCheck[] => [
        fromRows('sqlite-integrity', 'PRAGMA integrity_check reports ok', integrity, (line) => line),
        fromRows(
          'foreign-keys',
          'PRAGMA foreign_key_check finds no row pointing at a missing parent',
          foreignKeys,
          (row) => `${row.table} row ${row.rowid ?? '?'} → missing ${row.parent}`,
        ),
        fromRows(
          'chunk-collections',
          "every chunk carries its document's collection",
          db
            .prepare(
              `SELECT c.id, c.document_id FROM chunks c JOIN documents d ON d.id = c.document_id
               WHERE c.collection_id <> d.collection_id`,
            )
            .all() as { id: number; document_id: string }[],
          (row) => `chunk ${row.id} of document ${row.document_id}`,
        ),
        fromRows(
          'vector-sizes',
          'every vector holds `dimension` float32 values, one dimension per embedder',
          db
            .prepare(
              `SELECT embedder_id, chunk_id, dimension FROM chunk_vectors WHERE length(vector) <> 4 * dimension
               UNION ALL
               SELECT embedder_id, NULL, count(DISTINCT dimension) FROM chunk_vectors
               GROUP BY embedder_id HAVING count(DISTINCT dimension) > 1`,
            )
            .all() as { embedder_id: string; chunk_id: number | null; dimension: number }[],
          (row) =>
            row.chunk_id === null
              ? `${row.embedder_id}: ${row.dimension} different dimensions`
              : `${row.embedder_id}: chunk ${row.chunk_id} is not ${row.dimension} floats`,
        ),
        fromRows(
          'change-log',
          'no live chunk is listed as deleted and chunk ids stay below their sequence (the in-memory indexes follow both)',
          db
            .prepare(
              `SELECT 'deleted' AS kind, d.chunk_id AS id FROM chunk_deletions d JOIN chunks c ON c.id = d.chunk_id
               UNION ALL
               SELECT 'beyond sequence', max(id) FROM chunks
               HAVING max(id) > coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'chunks'), 0)`,
            )
            .all() as { kind: string; id: number }[],
          (row) => `chunk ${row.id}: ${row.kind}`,
        ),
        ...this.jobChecks(),
      ])
      .deferred();
  }

  private jobChecks(): IntegrityCheck[] {
    const rows = this.db
      .prepare(
        `SELECT id, kind, state, lease_owner, lease_expires_at FROM jobs
         WHERE state NOT IN ('queued', 'running', 'done', 'failed', 'cancelled')
            OR (state = 'running' AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at < ?))`,
      )
      .all(this.now()) as {
      id: string;
      kind: string;
      state: string;
      lease_owner: string | null;
      lease_expires_at: number | null;
    }[];
    const broken = rows.filter((row) => row.state !== 'running' || row.lease_expires_at === null);
    const expired = rows.filter((row) => !broken.includes(row));
    return [
      fromRows(
        'job-states',
        'every job has a known state and every running job a lease (so a dead worker’s job is taken over)',
        broken,
        (row) =>
          `${row.kind} job ${row.id}: ${row.state}${row.state === 'running' ? ' without a lease' : ''}`,
      ),
      fromRows(
        'job-leases',
        'no running job holds an expired lease (its worker died; the next claim takes it over)',
        expired,
        (row) => `${row.kind} job ${row.id} held by ${row.lease_owner}`,
        'warning',
      ),
    ];
  }

  async *documents(batchSize = 200): AsyncIterable<StoredDocument> {
    let after = '';
    for (;;) {
      const batch = this.readBatch(after, batchSize);
      for (const entry of batch) yield entry;
      if (batch.length < batchSize) return;
      after = batch.at(-1)!.document.id;
    }
  }

  /** Documents after `after` (by id) with text, chunks and vector counts, in one read transaction. */
  private readBatch(after: string, limit: number): StoredDocument[] {
    const db = this.db;
    return db
      .transaction((): StoredDocument[] => {
        const documents = db
          .prepare('SELECT * FROM documents WHERE id > ? ORDER BY id LIMIT ?')
          .all(after, limit) as DocumentRow[];
        const ids = JSON.stringify(documents.map((row) => row.id));
        const texts = new Map(
          (
            db
              .prepare(
                'SELECT document_id, text FROM document_texts WHERE document_id IN (SELECT value FROM json_each(?))',
              )
              .all(ids) as { document_id: string; text: string }[]
          ).map((row) => [row.document_id, row.text]),
        );
        const chunks = db
          .prepare(
            `SELECT ${chunkColumns}, title_terms, body_terms FROM chunks
             WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY document_id, ordinal, id`,
          )
          .all(ids) as (ChunkRow & { title_terms: string; body_terms: string })[];
        const vectors = db
          .prepare(
            `SELECT c.document_id, v.embedder_id, count(*) AS n FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
             WHERE c.document_id IN (SELECT value FROM json_each(?)) GROUP BY c.document_id, v.embedder_id`,
          )
          .all(ids) as { document_id: string; embedder_id: string; n: number }[];
        const chunksOf = groupBy(chunks, (chunk) => chunk.document_id);
        const vectorsOf = groupBy(vectors, (vector) => vector.document_id);
        return documents.map((row) => ({
          document: toDocumentRecord(row),
          text: texts.get(row.id),
          chunks: (chunksOf.get(row.id) ?? []).map((chunk) => ({
            ...toChunkRecord(chunk),
            titleTerms: splitTerms(chunk.title_terms),
            bodyTerms: splitTerms(chunk.body_terms),
          })),
          vectorsByEmbedder: new Map(
            (vectorsOf.get(row.id) ?? []).map((vector) => [vector.embedder_id, vector.n]),
          ),
        }));
      })
      .deferred();
  }

  async blobReferences(): Promise<BlobReference[]> {
    const rows = this.db
      .prepare(
        `SELECT blob_key AS key, 'document:' || id AS origin, 1 AS required FROM documents WHERE blob_key IS NOT NULL
         UNION ALL
         SELECT json_extract(payload, '$.blobKey'), 'job:' || id || ':' || state, state IN ('queued', 'running')
         FROM jobs WHERE json_extract(payload, '$.blobKey') IS NOT NULL`,
      )
      .all() as { key: string; origin: string; required: number }[];
    return rows.map((row) => ({ key: row.key, from: row.origin, required: row.required === 1 }));
  }
}

function splitTerms(value: string): string[] {
  return value.length === 0 ? [] : value.split(' ');
}
