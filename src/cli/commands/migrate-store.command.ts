import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { FileBlobStore } from '../../adapters/blob/file.blob-store.js';
import { S3BlobStore } from '../../adapters/blob/s3.blob-store.js';
import { copyFromSqlite, isEmptyTarget } from '../../adapters/store/postgres/copy-from-sqlite.js';
import { createPool, migratePostgres, redactUrl } from '../../adapters/store/postgres/database.js';
import { openDatabase } from '../../adapters/store/sqlite/database.js';
import { openBlobStore } from '../../app/storage.js';
import { loadConfig } from '../../config/load-config.js';
import { LoreError } from '../../core/errors.js';
import type { GlobalOptions } from '../context.js';

interface MigrateStoreOptions {
  from: string;
  to: string;
  blobsTo?: string;
}

/**
 * `lore migrate-store --from sqlite:./data --to postgres://…`: moves an embedded installation to
 * PostgreSQL without re-parsing (everything in the database; the originals stay where they are or
 * are copied with `--blobs-to`).
 */
export function registerMigrateStore(program: Command, _global: () => GlobalOptions): void {
  program
    .command('migrate-store')
    .description('move an embedded installation (SQLite) to PostgreSQL, without re-parsing documents')
    .requiredOption('--from <source>', 'the embedded data folder, as sqlite:PATH (e.g. sqlite:./data)')
    .requiredOption('--to <url>', 'the target PostgreSQL database (postgres://…); migrated, must be empty')
    .option(
      '--blobs-to <url>',
      'also copy the original files to this blob store (s3://bucket/prefix or a folder); default: they stay in the data folder',
    )
    .action(async (options: MigrateStoreOptions) => {
      if (!options.from.startsWith('sqlite:')) {
        throw new LoreError('invalid_request', `--from expects sqlite:PATH, got ${options.from}`);
      }
      if (!/^postgres(ql)?:\/\//.test(options.to)) {
        throw new LoreError(
          'invalid_request',
          `--to expects a postgres:// URL, got ${redactUrl(options.to)}`,
        );
      }
      const dataDir = resolve(options.from.slice('sqlite:'.length));
      const path = join(dataDir, 'lore.db');
      if (!existsSync(path)) throw new LoreError('not_found', `no embedded database at ${path}`);
      const where = redactUrl(options.to);
      const source = openDatabase(path, { migrate: true });
      const pool = createPool({ url: options.to, max: 2 });
      try {
        const { to: version } = await migratePostgres(pool, where);
        if (!(await isEmptyTarget(pool))) {
          throw new LoreError(
            'conflict',
            `${where} already holds Lore data; migrate-store only fills an empty database`,
          );
        }
        let last = '';
        const counts = await copyFromSqlite(source, pool, (table, rows) => {
          if (table !== last) process.stderr.write(`${last ? '\n' : ''}copying ${table}`);
          last = table;
          process.stderr.write(`\rcopying ${table}: ${rows}`);
        });
        process.stderr.write('\n');
        const summary = Object.entries(counts)
          .map(([table, rows]) => `${table} ${rows}`)
          .join(', ');
        process.stdout.write(`copied into ${where} (schema version ${version}): ${summary}\n`);
        if (options.blobsTo) {
          const copied = await copyBlobs(dataDir, options.blobsTo);
          process.stdout.write(`copied ${copied} original file(s) to ${options.blobsTo}\n`);
        } else {
          process.stdout.write(
            `original files stay in ${join(dataDir, 'blobs')}: run Lore with LORE_DATA_DIR=${dataDir} or LORE_BLOB_URL pointing there\n`,
          );
        }
      } finally {
        source.close();
        await pool.end();
      }
    });
}

async function copyBlobs(dataDir: string, blobUrl: string): Promise<number> {
  const from = new FileBlobStore(join(dataDir, 'blobs'));
  const target = blobUrl.startsWith('s3://') || blobUrl.startsWith('file://') ? blobUrl : resolve(blobUrl);
  const to = openBlobStore(loadConfig(process.env, { dataDir, blobUrl: target }));
  let copied = 0;
  try {
    for await (const key of from.keys()) {
      if (await to.has(key)) continue;
      const stored = await to.put(await from.get(key));
      if (stored !== key)
        throw new LoreError('storage_error', `original file ${key} changed while being copied`);
      copied++;
    }
  } finally {
    if (to instanceof S3BlobStore) to.close();
  }
  return copied;
}
