import pg from 'pg';
import { isBackgroundWork } from '../../../core/background-work.js';
import { LoreError } from '../../../core/errors.js';
import { type PgMigration, pgMigrations } from './migrations.js';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

/** Any object that runs queries: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// bigint (count(*), bigserial) as JS numbers: Lore's counts and ids stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

/** How often a busy backend checks that its client is still connected (ms). */
export const clientCheckIntervalMs = 1_000;

export interface PgPoolOptions {
  url: string;
  /** Connections kept by this process (LORE_DB_POOL_SIZE). */
  max: number;
  applicationName?: string;
  /**
   * Longest wait for a connection, new or from a full pool (LORE_DB_CONNECT_TIMEOUT_MS): past it a
   * request fails with `storage_unavailable` instead of hanging on the TCP timeout.
   */
  connectTimeoutMs?: number;
  /** What the pool serves, named in errors (`request` or `background`). */
  label?: 'request' | 'background';
}

/**
 * A connection pool. Failures to reach the database (refused or dropped connections, a server
 * shutting down or starting up, a connect timeout) surface as LoreError('storage_unavailable') naming
 * the database, so callers answer 503 and retry later; broken connections are dropped and new ones
 * made on demand, so the pool recovers by itself once the server is back.
 */
export function createPool(options: PgPoolOptions): PgPool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    application_name: options.applicationName ?? 'lore',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    keepAlive: true,
    // A backend busy on a statement (a lock wait, CREATE INDEX CONCURRENTLY, a long query) only
    // notices that its client died (SIGKILL) when it next talks to it: without this check it keeps
    // its locks and its connection slot for as long as the statement runs, and the restarted
    // process queues behind it. PostgreSQL 14+ polls the socket every interval and ends it.
    options: `-c client_connection_check_interval=${clientCheckIntervalMs}`,
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const where = redactUrl(options.url);
  const label = options.label ?? 'request';
  const translate = (error: unknown) => {
    // pg says "timeout exceeded when trying to connect" both for a server that does not answer
    // and for a pool whose connections are all checked out: tell the two apart.
    const exhausted =
      error instanceof Error &&
      /timeout exceeded when trying to connect/i.test(error.message) &&
      pool.totalCount >= options.max;
    const reason = exhausted
      ? `no connection of the ${label} pool became free within ${options.connectTimeoutMs ?? 5_000} ms: all ${options.max} were in use or still connecting (${label === 'background' ? 'LORE_DB_BACKGROUND_POOL_SIZE' : 'LORE_DB_POOL_SIZE'}, LORE_DB_CONNECT_TIMEOUT_MS)`
      : undefined;
    return unavailable(error, where, reason) ?? error;
  };
  const poolQuery = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const poolConnect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  // Only the promise forms are translated (Lore never passes callbacks).
  (pool as { query: unknown }).query = (...args: unknown[]) => mapRejection(poolQuery(...args), translate);
  (pool as { connect: unknown }).connect = (...args: unknown[]) =>
    mapRejection(poolConnect(...args), translate);
  pool.on('connect', (client) => {
    // A checked-out client whose connection the server ends (shutdown, restart) emits 'error';
    // without a listener that would crash the process. Its queries fail instead (mapped below), and
    // the pool drops it when it is released.
    client.on('error', () => undefined);
    const clientQuery = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) =>
      mapRejection(clientQuery(...args), translate);
  });
  return pool;
}

/**
 * One pool object over two: calls made inside `runAsBackground` (worker jobs, backfills, the
 * scheduler, evaluation runs) take connections from `background`, every other call from
 * `requests`, so background work waits for its own capped pool and never for the requests'.
 * Ending it ends both.
 */
export function routedPool(requests: PgPool, background: PgPool): PgPool {
  const pick = () => (isBackgroundWork() ? background : requests);
  return new Proxy(requests, {
    get(target, property) {
      if (property === 'query')
        return (...args: unknown[]) => (pick().query as (...a: unknown[]) => unknown)(...args);
      if (property === 'connect')
        return (...args: unknown[]) => (pick().connect as (...a: unknown[]) => unknown)(...args);
      if (property === 'end')
        return async () => {
          await Promise.all([
            target.ended ? undefined : target.end(),
            background.ended ? undefined : background.end(),
          ]);
        };
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A promise's rejection passed through `translate`; anything else (a cursor, undefined) as it is. */
function mapRejection(result: unknown, translate: (error: unknown) => unknown): unknown {
  if (result instanceof Promise) return result.catch((error: unknown) => Promise.reject(translate(error)));
  return result;
}

/** SQLSTATEs meaning the server cannot serve now (connection exceptions, shutdown, start-up, overload). */
const unavailableStates = /^(08|57P0[1-4]|53300)/;
/** Socket errors and pg's own connection messages. */
const unavailableErrnos = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const unavailableMessages =
  /connection terminated|timeout exceeded when trying to connect|not queryable|connection error|cannot use a pool after calling end/i;

/** The error as LoreError('storage_unavailable') when it says the database cannot be reached. */
export function unavailable(error: unknown, where: string, reason?: string): LoreError | undefined {
  if (LoreError.is(error) || !(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const reachable =
    (typeof code === 'string' && (unavailableStates.test(code) || unavailableErrnos.has(code))) ||
    unavailableMessages.test(error.message);
  if (!reachable) return undefined;
  return new LoreError(
    'storage_unavailable',
    `the database at ${where} is unavailable (${reason ?? (error.message || String(code))}); retry shortly`,
    { cause: error, details: { retryAfterSeconds: 2 } },
  );
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
