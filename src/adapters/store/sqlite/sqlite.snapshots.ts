import { existsSync } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LoreError } from '../../../core/errors.js';
import type { DatabaseExport, DatabaseRestorer, DatabaseSnapshots } from '../../../ports/snapshot.port.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { migrations } from './migrations.js';

const fileName = 'lore.db';

/** Tables whose row counts go into the manifest (when they exist in the snapshot's schema). */
const countedTables = ['collections', 'documents', 'chunks', 'chunk_vectors', 'jobs', 'users'];

/**
 * Snapshots of the embedded database with `VACUUM INTO`: one read transaction, so the copy is a
 * single point in time even while the server writes (WAL lets writers go on meanwhile), and compact.
 */
export class SqliteSnapshots implements DatabaseSnapshots {
  readonly backend = 'sqlite';

  constructor(private readonly db: SqliteDatabase) {}

  async export(dir: string): Promise<DatabaseExport> {
    const path = join(dir, fileName);
    this.db.prepare('VACUUM INTO ?').run(path);
    const copy = new Database(path, { readonly: true });
    try {
      return { ...describe(copy), files: [fileName] };
    } finally {
      copy.close();
    }
  }
}

/** Restores a snapshot into `<dataDir>/lore.db`. */
export class SqliteRestorer implements DatabaseRestorer {
  readonly backend = 'sqlite';
  readonly latestSchemaVersion = migrations.at(-1)?.version ?? 0;

  constructor(private readonly dataDir: string) {}

  async isEmpty(): Promise<boolean> {
    return !existsSync(join(this.dataDir, fileName));
  }

  async clear(): Promise<void> {
    for (const suffix of ['', '-wal', '-shm'])
      await rm(join(this.dataDir, fileName + suffix), { force: true });
  }

  async load(dir: string, files: readonly string[]): Promise<Record<string, number>> {
    if (files.length !== 1 || files[0] !== fileName) {
      throw new LoreError(
        'invalid_request',
        `a SQLite snapshot holds exactly ${fileName}; got ${files.join(', ')}`,
      );
    }
    const source = join(dir, fileName);
    const check = new Database(source, { readonly: true });
    try {
      const result = check.pragma('integrity_check', { simple: true });
      if (result !== 'ok')
        throw new LoreError('storage_error', `the database in the backup is damaged: ${result}`);
      const { schemaVersion } = describe(check);
      if (schemaVersion > this.latestSchemaVersion) {
        throw new LoreError(
          'invalid_request',
          `the backup has schema version ${schemaVersion}, newer than this Lore supports (${this.latestSchemaVersion}); restore it with a newer Lore`,
        );
      }
    } finally {
      check.close();
    }
    const target = join(this.dataDir, fileName);
    await rename(source, target).catch(() => copyFile(source, target));
    // Applies the migrations an older backup needs.
    const db = openDatabase(target, { migrate: true });
    try {
      return describe(db).counts;
    } finally {
      db.close();
    }
  }
}

function describe(db: SqliteDatabase): Omit<DatabaseExport, 'files'> {
  const tables = new Set(
    (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map(
      (row) => row.name,
    ),
  );
  const counts: Record<string, number> = {};
  for (const table of countedTables) {
    if (!tables.has(table)) continue;
    counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  const schemaVersion = tables.has('schema_migrations')
    ? ((
        db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
          version: number | null;
        }
      ).version ?? 0)
    : 0;
  const blobKeys = (
    db
      .prepare(
        `SELECT blob_key AS key FROM documents WHERE blob_key IS NOT NULL
         UNION SELECT json_extract(payload, '$.blobKey') FROM jobs
           WHERE state IN ('queued', 'running') AND json_extract(payload, '$.blobKey') IS NOT NULL`,
      )
      .all() as { key: string }[]
  ).map((row) => row.key);
  return { schemaVersion, counts, blobKeys };
}
