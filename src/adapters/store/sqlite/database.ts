import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LoreError, registerErrorTranslator } from '../../../core/errors.js';
import { type Migration, migrations } from './migrations.js';

export type SqliteDatabase = Database.Database;

export interface OpenOptions {
  /** Apply pending migrations (true for `lore migrate` and the embedded default). */
  migrate: boolean;
  /**
   * How long a write waits for another process's lock before failing with `storage_unavailable`
   * (LORE_SQLITE_BUSY_TIMEOUT_MS; default 5 s). The wait blocks this process's event loop.
   */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the embedded database with WAL journaling, foreign keys and a busy
 * timeout, then checks the schema version: pending migrations are applied when `migrate` is set,
 * and a database written by a newer Lore is refused.
 */
export function openDatabase(path: string, options: OpenOptions = { migrate: true }): SqliteDatabase {
  registerErrorTranslator(translateSqliteError);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = new Database(path);
  } catch (error) {
    throw new LoreError('storage_error', `cannot open the database at ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 5_000))}`);
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const pending = pendingMigrations(db, path);
  if (pending.length > 0) {
    if (!options.migrate) {
      db.close();
      throw new LoreError(
        'storage_error',
        `the database at ${path} needs ${pending.length} migration(s); run \`lore migrate\` first`,
      );
    }
    applyMigrations(db, pending);
  }
  return db;
}

function pendingMigrations(db: SqliteDatabase, path: string): Migration[] {
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
    version: number | null;
  };
  const current = row.version ?? 0;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    db.close();
    throw new LoreError(
      'storage_error',
      `the database at ${path} has schema version ${current}, newer than this Lore supports (${latest}); upgrade Lore`,
    );
  }
  return migrations.filter((migration) => migration.version > current);
}

function applyMigrations(db: SqliteDatabase, pending: Migration[]): void {
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }).immediate();
  }
}

/**
 * What SQLite's failures mean for callers: a database locked by another process past the busy
 * timeout is `storage_unavailable` (retry later), a full disk `storage_full`, damage or a read-only
 * file `storage_error`; each message says so in words.
 */
export function translateSqliteError(error: unknown): LoreError | undefined {
  if (!(error instanceof Database.SqliteError)) return undefined;
  const code = error.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new LoreError(
      'storage_unavailable',
      `the embedded database is locked by another process or connection (${code}); retry shortly`,
      { cause: error, details: { retryAfterSeconds: 2 } },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new LoreError(
      'storage_full',
      `the embedded database could not be written: no space left on the device holding the data folder (${code}: ${error.message})`,
      { cause: error },
    );
  }
  if (
    code.startsWith('SQLITE_CORRUPT') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_IOERR')
  ) {
    return new LoreError('storage_error', `the embedded database failed: ${error.message} (${code})`, {
      cause: error,
    });
  }
  return undefined;
}
