import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseExport, DatabaseSnapshots } from '../../../ports/snapshot.port.js';
import { inTransaction, type PgPool } from './database.js';

/** Every table a snapshot holds, parents before children (the order a restore loads them in). */
export const snapshotTables = [
  'schema_migrations',
  'settings',
  'collections',
  'documents',
  'document_texts',
  'chunks',
  'chunk_deletions',
  'postings',
  'field_stats',
  'term_stats',
  'chunk_vectors',
  'vector_indexes',
  'jobs',
  'users',
  'external_identities',
  'groups',
  'group_members',
  'sessions',
  'api_keys',
  'collection_grants',
  'conversations',
  'messages',
  'questions',
  'audit_log',
  'evaluations',
  'login_attempts',
  'document_tables',
  'table_rows',
] as const;

/** Tables whose row counts go into the manifest (and are checked again after a restore). */
export const countedTables = ['collections', 'documents', 'chunks', 'chunk_vectors', 'jobs', 'users'];

/**
 * Logical snapshots of the PostgreSQL database: one JSON-lines file per table, all read in one
 * repeatable-read, read-only transaction (one point in time while the servers keep writing), each
 * table streamed through a server-side cursor.
 */
export class PgSnapshots implements DatabaseSnapshots {
  readonly backend = 'postgres';

  constructor(private readonly pool: PgPool) {}

  async export(dir: string): Promise<DatabaseExport> {
    return inTransaction(
      this.pool,
      async (client) => {
        await client.query('SET TRANSACTION READ ONLY');
        const files: string[] = [];
        const counts: Record<string, number> = {};
        for (const table of snapshotTables) {
          const exists = await client.query<{ present: boolean }>(
            'SELECT to_regclass($1) IS NOT NULL AS present',
            [table],
          );
          if (!exists.rows[0]?.present) continue;
          const file = `${table}.jsonl`;
          const out = createWriteStream(join(dir, file));
          await client.query(
            `DECLARE snapshot_rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS row FROM ${table} t`,
          );
          let rows = 0;
          for (;;) {
            const batch = await client.query<{ row: string }>('FETCH 5000 FROM snapshot_rows');
            if (batch.rows.length === 0) break;
            for (const row of batch.rows) {
              if (!out.write(`${row.row}\n`)) await once(out, 'drain');
            }
            rows += batch.rows.length;
          }
          await client.query('CLOSE snapshot_rows');
          out.end();
          await once(out, 'finish');
          files.push(file);
          if (countedTables.includes(table)) counts[table] = rows;
        }
        const version = await client.query<{ version: number | null }>(
          'SELECT max(version) AS version FROM schema_migrations',
        );
        const keys = await client.query<{ key: string }>(
          `SELECT blob_key AS key FROM documents WHERE blob_key IS NOT NULL
           UNION SELECT payload ->> 'blobKey' FROM jobs WHERE state IN ('queued', 'running') AND payload ? 'blobKey'`,
        );
        return {
          schemaVersion: version.rows[0]?.version ?? 0,
          files,
          counts,
          blobKeys: keys.rows.map((row) => row.key).sort(),
        };
      },
      'repeatable read',
    );
  }
}
