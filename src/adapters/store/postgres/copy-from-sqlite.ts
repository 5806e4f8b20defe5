import type { SqliteDatabase } from '../sqlite/database.js';
import { blobToVector } from '../sqlite/rows.js';
import { inTransaction, type PgClient, type PgPool } from './database.js';
import { VectorIndexes } from './pg-vector-indexes.js';
import { vectorLiteral } from './rows.js';

// `lore migrate-store`: copies an embedded database into an empty, migrated PostgreSQL database
// without re-parsing anything: documents, texts, chunks with their row ids and analysed terms,
// vectors, jobs, settings, users, sharing, conversations, analytics, the audit log and evaluation
// runs, typed tables. Postings and BM25 statistics are derived from the copied terms in SQL.

type Row = Record<string, unknown>;

interface TableCopy {
  table: string;
  /** Target columns; the source row is mapped by `convert` (default: same names, same values). */
  columns: string[];
  orderBy: string;
  convert?: (row: Row) => Row;
  /** Only when the source has this table (older embedded schemas lack the identity tables). */
  optional?: boolean;
}

const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
const millis = (value: unknown) =>
  value === null || value === undefined ? null : new Date(Number(value)).toISOString();
const terms = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value.split(' ') : []);

/** Tables in dependency order. */
const tables: TableCopy[] = [
  { table: 'settings', columns: ['key', 'value'], orderBy: 'key' },
  {
    table: 'collections',
    columns: ['id', 'name', 'created_at', 'owner_id', 'description'],
    orderBy: 'created_at, id',
    convert: (row) => ({ description: '', owner_id: null, ...row }),
  },
  {
    table: 'documents',
    columns: [
      'id',
      'collection_id',
      'source',
      'file_name',
      'title',
      'format',
      'content_hash',
      'byte_size',
      'page_count',
      'chunk_count',
      'warnings',
      'tags',
      'parser_version',
      'chunker_version',
      'blob_key',
      'created_at',
      'updated_at',
    ],
    orderBy: 'id',
    convert: (row) => ({ ...row, warnings: JSON.stringify(json(row.warnings)), tags: json(row.tags) }),
  },
  { table: 'document_texts', columns: ['document_id', 'text', 'blocks'], orderBy: 'document_id' },
  {
    table: 'chunks',
    columns: [
      'id',
      'document_id',
      'collection_id',
      'ordinal',
      'text',
      'context',
      'start_offset',
      'end_offset',
      'token_count',
      'page',
      'slide',
      'sheet',
      'title_terms',
      'body_terms',
    ],
    orderBy: 'id',
    convert: (row) => ({ ...row, title_terms: terms(row.title_terms), body_terms: terms(row.body_terms) }),
  },
  {
    table: 'chunk_vectors',
    columns: ['embedder_id', 'chunk_id', 'dimension', 'vector'],
    orderBy: 'embedder_id, chunk_id',
    convert: (row) => ({ ...row, vector: vectorLiteral(blobToVector(row.vector as Buffer)) }),
  },
  {
    table: 'jobs',
    columns: [
      'id',
      'kind',
      'payload',
      'state',
      'attempts',
      'max_attempts',
      'error',
      'error_code',
      'progress',
      'dedup_key',
      'order_key',
      'run_after',
      'lease_owner',
      'lease_expires_at',
      'created_at',
      'updated_at',
    ],
    orderBy: 'created_at, id',
    convert: (row) => ({
      ...row,
      run_after: Number(row.run_after) === 0 ? '-infinity' : millis(row.run_after),
      lease_expires_at: millis(row.lease_expires_at),
    }),
  },
  {
    table: 'users',
    columns: ['id', 'email', 'name', 'role', 'disabled', 'password_hash', 'created_at', 'last_login_at'],
    orderBy: 'created_at, id',
    convert: (row) => ({ ...row, disabled: Number(row.disabled) === 1 }),
    optional: true,
  },
  {
    table: 'external_identities',
    columns: ['issuer', 'subject', 'user_id'],
    orderBy: 'issuer, subject',
    optional: true,
  },
  { table: 'groups', columns: ['id', 'name', 'created_at'], orderBy: 'id', optional: true },
  { table: 'group_members', columns: ['group_id', 'user_id'], orderBy: 'group_id, user_id', optional: true },
  {
    table: 'sessions',
    columns: ['token_hash', 'user_id', 'csrf_token', 'created_at', 'expires_at'],
    orderBy: 'token_hash',
    optional: true,
  },
  {
    table: 'api_keys',
    columns: [
      'id',
      'user_id',
      'name',
      'prefix',
      'secret_hash',
      'scopes',
      'created_at',
      'expires_at',
      'last_used_at',
    ],
    orderBy: 'id',
    convert: (row) => ({ ...row, scopes: json(row.scopes) }),
    optional: true,
  },
  {
    table: 'collection_grants',
    columns: ['collection_id', 'grantee_type', 'grantee_id', 'permission', 'created_at'],
    orderBy: 'collection_id, grantee_type, grantee_id',
    optional: true,
  },
  {
    table: 'conversations',
    columns: ['id', 'user_id', 'title', 'collection_ids', 'created_at', 'updated_at'],
    orderBy: 'id',
    convert: (row) => ({ ...row, collection_ids: json(row.collection_ids) }),
    optional: true,
  },
  {
    table: 'messages',
    columns: [
      'id',
      'conversation_id',
      'seq',
      'role',
      'content',
      'citations',
      'mode',
      'question_id',
      'created_at',
    ],
    orderBy: 'conversation_id, seq',
    optional: true,
  },
  {
    table: 'questions',
    columns: [
      'id',
      'at',
      'user_id',
      'conversation_id',
      'question',
      'collection_ids',
      'mode',
      'model',
      'latency_ms',
      'input_tokens',
      'output_tokens',
      'cost_usd',
      'cited_document_ids',
      'feedback',
      'feedback_comment',
      'channel',
    ],
    orderBy: 'at, id',
    convert: (row) => ({
      ...row,
      collection_ids: json(row.collection_ids),
      cited_document_ids: json(row.cited_document_ids),
    }),
    optional: true,
  },
  {
    table: 'audit_log',
    columns: ['id', 'at', 'actor_id', 'action', 'target', 'details', 'ip'],
    orderBy: 'id',
    optional: true,
  },
  {
    table: 'evaluations',
    columns: [
      'id',
      'dataset',
      'source',
      'state',
      'job_id',
      'created_by',
      'created_at',
      'finished_at',
      'report',
      'per_query',
      'error',
    ],
    orderBy: 'created_at, id',
    optional: true,
  },
  {
    table: 'document_tables',
    columns: [
      'id',
      'document_id',
      'collection_id',
      'ordinal',
      'sheet',
      'caption',
      'header_first',
      'header_last',
      'first_row',
      'last_row',
      'row_count',
      'columns',
      'truncated',
      'extractor_version',
    ],
    orderBy: 'document_id, ordinal',
    convert: (row) => ({ ...row, truncated: Number(row.truncated) === 1 }),
    optional: true,
  },
  {
    table: 'table_rows',
    columns: ['table_id', 'row_number', 'cells'],
    orderBy: 'table_id, row_number',
    optional: true,
  },
  {
    table: 'connectors',
    columns: [
      'id',
      'name',
      'kind',
      'collection_id',
      'settings',
      'interval_minutes',
      'created_by',
      'created_at',
    ],
    orderBy: 'created_at, id',
    optional: true,
  },
  {
    table: 'connector_runs',
    columns: [
      'id',
      'connector_id',
      'state',
      'trigger',
      'started_at',
      'finished_at',
      'seen',
      'added',
      'updated',
      'unchanged',
      'removed',
      'failed',
      'failures',
      'error',
      'cancel_requested_at',
    ],
    orderBy: 'started_at, id',
    optional: true,
  },
  {
    table: 'connector_items',
    columns: ['connector_id', 'key', 'version', 'memo'],
    orderBy: 'connector_id, key',
    optional: true,
  },
];

/** Rows per INSERT (well under PostgreSQL's 65,535 parameters for the widest table). */
const batchRows = 500;

export type CopyProgress = (table: string, rows: number) => void;

/** True when the target holds no documents, collections or users yet. */
export async function isEmptyTarget(pool: PgPool): Promise<boolean> {
  const result = await pool.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM collections) + (SELECT count(*) FROM documents) + (SELECT count(*) FROM users) AS n',
  );
  return (result.rows[0]?.n ?? 0) === 0;
}

/**
 * Copies every table of the embedded database into the (empty, migrated) target in one transaction:
 * the target ends up with everything or nothing. Returns the rows copied per table.
 */
export async function copyFromSqlite(
  source: SqliteDatabase,
  pool: PgPool,
  progress?: CopyProgress,
): Promise<Record<string, number>> {
  const present = new Set(
    (source.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (row) => row.name,
    ),
  );
  const counts: Record<string, number> = {};
  await inTransaction(pool, async (client) => {
    // Deferred constraint checks are not needed: tables go in dependency order.
    await client.query("SET LOCAL statement_timeout = '0'");
    for (const spec of tables) {
      if (!present.has(spec.table)) {
        if (spec.optional) continue;
        throw new Error(`the embedded database has no ${spec.table} table`);
      }
      counts[spec.table] = await copyTable(source, client, spec, progress);
    }
    await derivePostings(client);
    await client.query(
      `SELECT setval(pg_get_serial_sequence('chunks', 'id'), greatest((SELECT max(id) FROM chunks), 1))`,
    );
    if (present.has('audit_log')) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence('audit_log', 'id'), greatest((SELECT max(id) FROM audit_log), 1))`,
      );
    }
  });
  const indexes = new VectorIndexes(pool);
  const embedders = await pool.query<{ embedder_id: string; dimension: number }>(
    'SELECT DISTINCT embedder_id, dimension FROM chunk_vectors',
  );
  for (const row of embedders.rows) await indexes.ensure(row.embedder_id, row.dimension);
  return counts;
}

async function copyTable(
  source: SqliteDatabase,
  client: PgClient,
  spec: TableCopy,
  progress?: CopyProgress,
): Promise<number> {
  const sourceColumns = new Set(
    (source.prepare(`PRAGMA table_info(${spec.table})`).all() as { name: string }[]).map((row) => row.name),
  );
  const statement = source.prepare(`SELECT * FROM ${spec.table} ORDER BY ${spec.orderBy}`);
  let batch: unknown[][] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const params: unknown[] = [];
    const tuples = batch.map((values) => {
      const placeholders = values.map((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await client.query(
      `INSERT INTO ${spec.table} (${spec.columns.join(', ')}) ${spec.table === 'chunks' || spec.table === 'audit_log' ? 'OVERRIDING SYSTEM VALUE ' : ''}VALUES ${tuples.join(', ')}`,
      params,
    );
    copied += batch.length;
    progress?.(spec.table, copied);
    batch = [];
  };
  for (const raw of statement.iterate() as Iterable<Row>) {
    const row = spec.convert ? spec.convert(raw) : raw;
    batch.push(
      spec.columns.map((column) =>
        sourceColumns.has(column) || column in row ? (row[column] ?? null) : null,
      ),
    );
    if (batch.length >= batchRows) await flush();
  }
  await flush();
  return copied;
}

/** Postings and statistics from the copied terms, exactly as document writes maintain them. */
async function derivePostings(client: PgClient): Promise<void> {
  for (const [field, column] of [
    [0, 'title_terms'],
    [1, 'body_terms'],
  ] as const) {
    await client.query(
      `INSERT INTO postings (term, field, chunk_id, tf, dl)
       SELECT t.term, ${field}, c.id, least(count(*), 65535), cardinality(c.${column})
       FROM chunks c CROSS JOIN LATERAL unnest(c.${column}) AS t(term)
       GROUP BY c.id, t.term`,
    );
    await client.query(
      `UPDATE field_stats SET
         doc_count = (SELECT count(*) FROM chunks WHERE cardinality(${column}) > 0),
         total_length = (SELECT coalesce(sum(cardinality(${column})), 0) FROM chunks)
       WHERE field = ${field}`,
    );
  }
  await client.query(
    `INSERT INTO term_stats (term, field, df) SELECT term, field, count(*) FROM postings GROUP BY term, field`,
  );
}
