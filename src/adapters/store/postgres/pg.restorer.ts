import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LoreError } from '../../../core/errors.js';
import type { DatabaseRestorer } from '../../../ports/snapshot.port.js';
import {
  createPool,
  inTransaction,
  migratePostgres,
  type PgClient,
  type PgPool,
  redactUrl,
} from './database.js';
import { pgMigrations } from './migrations.js';
import { countedTables, snapshotTables } from './pg.snapshots.js';
import { VectorIndexes } from './pg-vector-indexes.js';

/** Rows, and characters of JSON, per INSERT while loading a table. */
const batchRows = 1000;
const batchChars = 16 * 1024 * 1024;

/**
 * Restores a `PgSnapshots` export (one JSON-lines file per table) into the database at `url`: the
 * schema is created at the snapshot's version, every table is loaded in one transaction (row ids
 * kept, identity sequences set past them), then the newer migrations run and the HNSW indexes are
 * rebuilt. Originals are not its concern (the restore puts them through the BlobStore).
 */
export class PgRestorer implements DatabaseRestorer {
  readonly backend = 'postgres';
  readonly latestSchemaVersion = pgMigrations.at(-1)?.version ?? 0;
  private readonly where: string;

  constructor(private readonly url: string) {
    this.where = redactUrl(url);
  }

  /** True when the database holds no Lore data (no schema yet, or migrated and never used). */
  async isEmpty(): Promise<boolean> {
    return this.withPool(async (pool) => {
      const present = await pool.query<{ name: string }>(
        `SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NOT NULL`,
        [['collections', 'documents', 'users', 'jobs', 'conversations', 'questions', 'evaluations']],
      );
      for (const { name } of present.rows) {
        const rows = await pool.query(`SELECT 1 FROM ${name} LIMIT 1`);
        if (rows.rowCount) return false;
      }
      return true;
    });
  }

  /** Drops Lore's tables (and the indexes and trigger function that come with them). */
  async clear(): Promise<void> {
    await this.withPool((pool) =>
      inTransaction(pool, async (client) => {
        await client.query(`DROP TABLE IF EXISTS ${[...snapshotTables].reverse().join(', ')} CASCADE`);
        await client.query('DROP FUNCTION IF EXISTS chunks_record_deletion() CASCADE');
      }),
    );
  }

  async load(dir: string, files: readonly string[]): Promise<Record<string, number>> {
    const known = new Set<string>(snapshotTables);
    const tables = new Set<string>();
    for (const file of files) {
      const table = file.endsWith('.jsonl') ? file.slice(0, -'.jsonl'.length) : '';
      if (!known.has(table)) {
        throw new LoreError('invalid_request', `unexpected file ${file} in a PostgreSQL snapshot`);
      }
      tables.add(table);
    }
    if (!tables.has('schema_migrations')) {
      throw new LoreError('invalid_request', 'the PostgreSQL snapshot has no schema_migrations.jsonl');
    }
    const version = await snapshotVersion(join(dir, 'schema_migrations.jsonl'));
    if (version > this.latestSchemaVersion) {
      throw new LoreError(
        'invalid_request',
        `the backup has schema version ${version}, newer than this Lore supports (${this.latestSchemaVersion}); restore it with a newer Lore`,
      );
    }
    // The target holds no Lore data (checked by the restore): start from the snapshot's own schema.
    await this.clear();
    return this.withPool(async (pool) => {
      await migratePostgres(pool, this.where, version);
      const loaded = snapshotTables.filter((table) => table !== 'schema_migrations' && tables.has(table));
      await inTransaction(pool, async (client) => {
        await client.query("SET LOCAL statement_timeout = '0'");
        // Migrations seed some rows (the BM25 field statistics); the snapshot's replace them.
        if (loaded.length > 0) await client.query(`TRUNCATE ${loaded.join(', ')}`);
        for (const table of loaded) await loadTable(client, table, join(dir, `${table}.jsonl`));
        await resetIdentities(client, loaded);
      });
      // A backup from an older Lore: bring it to this Lore's schema.
      await migratePostgres(pool, this.where);
      const indexes = new VectorIndexes(pool);
      const embedders = await pool.query<{ embedder_id: string; dimension: number }>(
        `SELECT DISTINCT embedder_id, dimension FROM chunk_vectors
         UNION SELECT embedder_id, dimension FROM vector_indexes`,
      );
      for (const row of embedders.rows) await indexes.ensure(row.embedder_id, row.dimension);
      const counts: Record<string, number> = {};
      for (const table of countedTables) {
        const result = await pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
        counts[table] = result.rows[0]?.n ?? 0;
      }
      return counts;
    });
  }

  private async withPool<T>(work: (pool: PgPool) => Promise<T>): Promise<T> {
    const pool = createPool({ url: this.url, max: 2, applicationName: 'lore restore' });
    try {
      return await work(pool).catch((error: unknown) => {
        if (error instanceof LoreError) throw error;
        throw new LoreError(
          'storage_error',
          `restoring into the database at ${this.where} failed: ${(error as Error).message}`,
          { cause: error },
        );
      });
    } finally {
      await pool.end();
    }
  }
}

/** The highest migration recorded in the snapshot. */
async function snapshotVersion(path: string): Promise<number> {
  let version = 0;
  for await (const line of lines(path)) {
    const row = JSON.parse(line) as { version?: unknown };
    if (typeof row.version === 'number') version = Math.max(version, row.version);
  }
  return version;
}

/**
 * Inserts the rows of one JSON-lines file (written by `row_to_json`) in batches; `json_populate_recordset`
 * turns each JSON row back into the table's row type (arrays, jsonb, timestamps, vectors as text).
 */
async function loadTable(client: PgClient, table: string, path: string): Promise<void> {
  let batch: string[] = [];
  let chars = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await client.query(
      `INSERT INTO ${table} OVERRIDING SYSTEM VALUE
       SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`,
      [`[${batch.join(',')}]`],
    );
    batch = [];
    chars = 0;
  };
  for await (const line of lines(path)) {
    batch.push(line);
    chars += line.length;
    if (batch.length >= batchRows || chars >= batchChars) await flush();
  }
  await flush();
}

/** Moves every identity sequence of the loaded tables past the highest id restored. */
async function resetIdentities(client: PgClient, tables: readonly string[]): Promise<void> {
  const identities = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND is_identity = 'YES' AND table_name = ANY($1)`,
    [tables],
  );
  for (const { table_name: table, column_name: column } of identities.rows) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${column}), 1), max(${column}) IS NOT NULL)
       FROM ${table}`,
      [table, column],
    );
  }
}

async function* lines(path: string): AsyncIterable<string> {
  const reader = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of reader) if (line.length > 0) yield line;
}
