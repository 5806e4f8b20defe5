import pg from 'pg';
import { LoreError } from '../../../core/errors.js';
import { type PgMigration, pgMigrations } from './migrations.js';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

/** Any object that runs queries: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// bigint (count(*), bigserial) as JS numbers: Lore's counts and ids stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface PgPoolOptions {
  url: string;
  /** Connections kept by this process (LORE_DB_POOL_SIZE). */
  max: number;
  applicationName?: string;
}

/** A connection pool; connection errors surface as LoreError('storage_error') with the host named. */
export function createPool(options: PgPoolOptions): PgPool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    application_name: options.applicationName ?? 'lore',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 15_000,
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `work` in one transaction on one client; rolls back when it throws. */
export async function inTransaction<T>(
  pool: PgPool,
  work: (client: PgClient) => Promise<T>,
  isolation: 'read committed' | 'repeatable read' = 'read committed',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Where the schema stands relative to this Lore. */
export interface SchemaStatus {
  current: number;
  latest: number;
  pending: PgMigration[];
}

const latestVersion = pgMigrations.at(-1)?.version ?? 0;
/** Serialises `lore migrate` runs from several processes (e.g. a Helm hook and a manual run). */
const migrationLockKey = 7_366_210_001;

export async function schemaStatus(db: Queryable): Promise<SchemaStatus> {
  const exists = await db.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  let current = 0;
  if (exists.rows[0]?.present) {
    const row = await db.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    current = row.rows[0]?.version ?? 0;
  }
  return { current, latest: latestVersion, pending: pgMigrations.filter((m) => m.version > current) };
}

/**
 * Refuses to run against a database whose schema is older (pending migrations: run `lore migrate`)
 * or newer (written by a newer Lore) than this code.
 */
export async function assertSchemaCurrent(db: Queryable, where: string): Promise<void> {
  let status: SchemaStatus;
  try {
    status = await schemaStatus(db);
  } catch (error) {
    throw new LoreError(
      'storage_error',
      `cannot reach the database at ${where}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (status.current > status.latest) {
    throw new LoreError(
      'storage_error',
      `the database at ${where} has schema version ${status.current}, newer than this Lore supports (${status.latest}); upgrade Lore`,
    );
  }
  if (status.pending.length > 0) {
    throw new LoreError(
      'storage_error',
      `the database at ${where} is at schema version ${status.current} and needs ${status.pending.length} migration(s) (to version ${status.latest}); run \`lore migrate\` first`,
    );
  }
}

/**
 * Applies pending migrations (up to `upTo`, default all), each in its own transaction, under an
 * advisory lock. Returns the version reached.
 */
export async function migratePostgres(
  pool: PgPool,
  where: string,
  upTo: number = latestVersion,
): Promise<{ from: number; to: number }> {
  const client = await pool.connect().catch((error: Error) => {
    throw new LoreError('storage_error', `cannot reach the database at ${where}: ${error.message}`, {
      cause: error,
    });
  });
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const status = await schemaStatus(client);
    if (status.current > status.latest) {
      throw new LoreError(
        'storage_error',
        `the database at ${where} has schema version ${status.current}, newer than this Lore supports (${status.latest}); upgrade Lore`,
      );
    }
    const pending = status.pending.filter((migration) => migration.version <= upTo);
    for (const migration of pending) {
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new LoreError(
          'storage_error',
          `migration ${migration.version} (${migration.name}) failed on ${where}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    return { from: status.current, to: Math.max(status.current, pending.at(-1)?.version ?? 0) };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]).catch(() => undefined);
    client.release();
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured LORE_DATABASE_URL';
  }
}
