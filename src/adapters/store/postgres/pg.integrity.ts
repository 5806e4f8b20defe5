import type {
  BlobReference,
  DatabaseIntegrity,
  IntegrityCheck,
  StoredDocument,
} from '../../../ports/integrity.port.js';
import { groupBy } from '../group-by.js';
import { inTransaction, type PgClient, type PgPool } from './database.js';
import {
  type PgChunkRow,
  type PgDocumentRow,
  pgChunkColumns,
  toChunkRecord,
  toDocumentRecord,
} from './rows.js';

/** Examples kept per check. */
const exampleLimit = 5;

interface CheckQuery {
  name: string;
  description: string;
  severity?: IntegrityCheck['severity'];
  /** Returns one row per problem with a `problem` text column and `total` (count over all rows). */
  sql: string;
}

/** Rows pointing at a missing parent (a restore with triggers off, a bug): FKs normally prevent them. */
const orphans = `
  SELECT 'chunk ' || c.id || ' → missing document ' || c.document_id FROM chunks c
    WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = c.document_id)
  UNION ALL SELECT 'text of missing document ' || t.document_id FROM document_texts t
    WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = t.document_id)
  UNION ALL SELECT 'document ' || d.id || ' → missing collection ' || d.collection_id FROM documents d
    WHERE NOT EXISTS (SELECT 1 FROM collections c WHERE c.id = d.collection_id)
  UNION ALL SELECT 'posting ' || p.term || ' → missing chunk ' || p.chunk_id FROM postings p
    WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = p.chunk_id)
  UNION ALL SELECT 'vector ' || v.embedder_id || ' → missing chunk ' || v.chunk_id FROM chunk_vectors v
    WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = v.chunk_id)`;

/** Postings implied by each chunk's stored terms (field 0 title, 1 body) against the postings table. */
const postings = `
  WITH expected AS (
    SELECT c.id AS chunk_id, 0::smallint AS field, t.term, least(count(*), 65535)::int AS tf,
      cardinality(c.title_terms) AS dl
    FROM chunks c CROSS JOIN LATERAL unnest(c.title_terms) AS t(term) GROUP BY c.id, t.term
    UNION ALL
    SELECT c.id, 1::smallint, t.term, least(count(*), 65535)::int, cardinality(c.body_terms)
    FROM chunks c CROSS JOIN LATERAL unnest(c.body_terms) AS t(term) GROUP BY c.id, t.term
  )
  SELECT 'chunk ' || coalesce(e.chunk_id, p.chunk_id) || ' field ' || coalesce(e.field, p.field) || ' term '
    || coalesce(e.term, p.term) || ': expected ' || coalesce(e.tf || '/' || e.dl, 'none') || ', stored '
    || coalesce(p.tf || '/' || p.dl, 'none')
  FROM expected e FULL JOIN postings p ON p.chunk_id = e.chunk_id AND p.field = e.field AND p.term = e.term
  WHERE e.chunk_id IS NULL OR p.chunk_id IS NULL OR p.tf <> e.tf OR p.dl <> e.dl`;

const termStats = `
  SELECT coalesce(p.term, t.term) || ' field ' || coalesce(p.field, t.field) || ': ' || coalesce(p.df, 0)
    || ' postings, term_stats says ' || coalesce(t.df, 0)
  FROM (SELECT term, field, count(*)::int AS df FROM postings GROUP BY term, field) p
  FULL JOIN (SELECT term, field, df FROM term_stats WHERE df <> 0) t ON t.term = p.term AND t.field = p.field
  WHERE p.df IS DISTINCT FROM t.df`;

const fieldStats = `
  SELECT 'field ' || f.field || ': ' || f.doc_count || ' chunks / length ' || f.total_length
    || ' recorded, postings imply ' || coalesce(p.docs, 0) || ' / ' || coalesce(p.length, 0)
  FROM field_stats f
  LEFT JOIN (SELECT field, count(*) AS docs, sum(dl) AS length
             FROM (SELECT DISTINCT chunk_id, field, dl FROM postings) d GROUP BY field) p ON p.field = f.field
  WHERE f.doc_count <> coalesce(p.docs, 0) OR f.total_length <> coalesce(p.length, 0)`;

/**
 * Consistency checks of the PostgreSQL database: rows without parents, chunk collections, the BM25
 * tables against what the chunks' terms imply (postings, `term_stats`, `field_stats`), one valid HNSW
 * index per embedder with vectors, and queue leases. Read-only (one repeatable-read snapshot); safe
 * while Lore runs.
 */
export class PgIntegrity implements DatabaseIntegrity {
  readonly backend = 'postgres';

  constructor(private readonly pool: PgPool) {}

  async databaseChecks(): Promise<IntegrityCheck[]> {
    const queries: CheckQuery[] = [
      { name: 'foreign-keys', description: 'no row points at a missing parent', sql: orphans },
      {
        name: 'chunk-collections',
        description: "every chunk carries its document's collection",
        sql: `SELECT 'chunk ' || c.id || ' of document ' || c.document_id FROM chunks c
              JOIN documents d ON d.id = c.document_id WHERE c.collection_id <> d.collection_id`,
      },
      {
        name: 'postings',
        description: 'the postings are exactly the terms stored with each chunk (tf and field length)',
        sql: postings,
      },
      {
        name: 'term-stats',
        description: 'term_stats holds, for every term and field, the number of postings',
        sql: termStats,
      },
      {
        name: 'field-stats',
        description: 'field_stats holds the chunks and total length per field that the postings imply',
        sql: fieldStats,
      },
      {
        name: 'vector-sizes',
        description: 'one dimension per embedder',
        sql: `SELECT embedder_id || ': ' || count(DISTINCT dimension) || ' different dimensions'
              FROM chunk_vectors GROUP BY embedder_id HAVING count(DISTINCT dimension) > 1`,
      },
      {
        name: 'vector-indexes',
        description:
          'every embedder with vectors has a valid HNSW index (an invalid one is rebuilt on its next write)',
        severity: 'warning',
        sql: `SELECT v.embedder_id || ' (' || v.dimension || ' dimensions): '
                || CASE WHEN r.index_name IS NULL THEN 'no index registered' ELSE 'index ' || r.index_name || ' missing or invalid' END
              FROM (SELECT DISTINCT embedder_id, dimension FROM chunk_vectors WHERE dimension <= 4000) v
              LEFT JOIN vector_indexes r ON r.embedder_id = v.embedder_id AND r.dimension = v.dimension
              WHERE NOT EXISTS (SELECT 1 FROM pg_class i JOIN pg_index x ON x.indexrelid = i.oid
                                WHERE i.relname = r.index_name AND x.indisvalid)`,
      },
      {
        name: 'change-log',
        description: 'no live chunk is listed as deleted',
        sql: `SELECT 'chunk ' || d.chunk_id || ' is live but logged as deleted' FROM chunk_deletions d
              JOIN chunks c ON c.id = d.chunk_id`,
      },
      {
        name: 'job-states',
        description: 'every running job has a lease (so a dead worker’s job is taken over)',
        sql: `SELECT kind || ' job ' || id || ' running without a lease' FROM jobs
              WHERE state = 'running' AND (lease_owner IS NULL OR lease_expires_at IS NULL)`,
      },
      {
        name: 'job-leases',
        description: 'no running job holds an expired lease (its worker died; the next claim takes it over)',
        severity: 'warning',
        sql: `SELECT kind || ' job ' || id || ' held by ' || lease_owner FROM jobs
              WHERE state = 'running' AND lease_expires_at < clock_timestamp()`,
      },
    ];
    return inTransaction(
      this.pool,
      async (client) => {
        await client.query('SET TRANSACTION READ ONLY');
        const checks: IntegrityCheck[] = [];
        for (const query of queries) checks.push(await runCheck(client, query));
        return checks;
      },
      'repeatable read',
    );
  }

  async *documents(batchSize = 200): AsyncIterable<StoredDocument> {
    let after = '';
    for (;;) {
      const batch = await inTransaction(
        this.pool,
        (client) => readBatch(client, after, batchSize),
        'repeatable read',
      );
      for (const entry of batch) yield entry;
      if (batch.length < batchSize) return;
      after = batch.at(-1)!.document.id;
    }
  }

  async blobReferences(): Promise<BlobReference[]> {
    const result = await this.pool.query<{ key: string; origin: string; required: boolean }>(
      `SELECT blob_key AS key, 'document:' || id AS origin, true AS required FROM documents WHERE blob_key IS NOT NULL
       UNION ALL
       SELECT payload ->> 'blobKey', 'job:' || id || ':' || state, state IN ('queued', 'running')
       FROM jobs WHERE payload ? 'blobKey'`,
    );
    return result.rows.map((row) => ({ key: row.key, from: row.origin, required: row.required }));
  }
}

async function runCheck(client: PgClient, query: CheckQuery): Promise<IntegrityCheck> {
  const result = await client.query<{ problem: string; total: number }>(
    `SELECT problem, count(*) OVER ()::int AS total FROM (${query.sql}) AS found(problem) LIMIT ${exampleLimit}`,
  );
  return {
    name: query.name,
    description: query.description,
    severity: query.severity ?? 'error',
    problems: result.rows[0]?.total ?? 0,
    examples: result.rows.map((row) => row.problem),
  };
}

/** Documents after `after` (by id) with text, chunks and vector counts, from one snapshot. */
async function readBatch(client: PgClient, after: string, limit: number): Promise<StoredDocument[]> {
  const documents = await client.query<PgDocumentRow>(
    'SELECT * FROM documents WHERE id COLLATE "C" > $1 ORDER BY id COLLATE "C" LIMIT $2',
    [after, limit],
  );
  const ids = documents.rows.map((row) => row.id);
  const texts = await client.query<{ document_id: string; text: string }>(
    'SELECT document_id, text FROM document_texts WHERE document_id = ANY($1)',
    [ids],
  );
  const chunks = await client.query<PgChunkRow & { title_terms: string[]; body_terms: string[] }>(
    `SELECT ${pgChunkColumns}, title_terms, body_terms FROM chunks WHERE document_id = ANY($1)
     ORDER BY document_id, ordinal, id`,
    [ids],
  );
  const vectors = await client.query<{ document_id: string; embedder_id: string; n: number }>(
    `SELECT c.document_id, v.embedder_id, count(*)::int AS n FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
     WHERE c.document_id = ANY($1) GROUP BY c.document_id, v.embedder_id`,
    [ids],
  );
  const textOf = new Map(texts.rows.map((row) => [row.document_id, row.text]));
  const chunksOf = groupBy(chunks.rows, (row) => row.document_id);
  const vectorsOf = groupBy(vectors.rows, (row) => row.document_id);
  return documents.rows.map((row) => ({
    document: toDocumentRecord(row),
    text: textOf.get(row.id),
    chunks: (chunksOf.get(row.id) ?? []).map((chunk) => ({
      ...toChunkRecord(chunk),
      titleTerms: chunk.title_terms,
      bodyTerms: chunk.body_terms,
    })),
    vectorsByEmbedder: new Map((vectorsOf.get(row.id) ?? []).map((vector) => [vector.embedder_id, vector.n])),
  }));
}
