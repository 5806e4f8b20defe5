import { resolve } from 'node:path';
import type { Command } from 'commander';
import { redactUrl } from '../../adapters/store/postgres/database.js';
import { loadConfig } from '../../config/load-config.js';
import { LoreError } from '../../core/errors.js';
import { restoreBackup } from '../../operations/backup/restore-backup.js';
import { writeBackup } from '../../operations/backup/write-backup.js';
import { type GlobalOptions, withApp } from '../context.js';

/** `lore backup FILE` and `lore restore FILE`: one consistent archive of database and originals. */
export function registerBackup(program: Command, global: () => GlobalOptions): void {
  program
    .command('backup')
    .argument('<file>', 'archive to write (.tar, or .tar.gz / .tgz for gzip)')
    .description(
      'write a consistent backup of the database and original files (safe while `lore serve` runs)',
    )
    .action(async (file: string) => {
      refuseServer(global(), 'backup');
      const target = resolve(file);
      const manifest = await withApp(global(), (app) =>
        writeBackup(app, target, (event) => {
          if (event.phase === 'database') process.stderr.write('backup: snapshot of the database\n');
          if (event.phase === 'blobs' && event.done === 0) process.stderr.write('backup: original files\n');
        }),
      );
      const counts = Object.entries(manifest.counts)
        .map(([name, count]) => `${count} ${name}`)
        .join(', ');
      process.stdout.write(`wrote ${target}: schema ${manifest.schemaVersion}, ${counts}\n`);
      for (const key of manifest.missingBlobs)
        process.stderr.write(`backup: original ${key} was deleted while the backup ran\n`);
      for (const key of manifest.corruptBlobs)
        process.stderr.write(
          `backup: original ${key} is damaged (its bytes do not match its key); left out\n`,
        );
    });

  program
    .command('restore')
    .argument('<file>', 'archive written by `lore backup`')
    .option('--force', 'replace the database and original files already in the data folder')
    .description('restore a backup into an empty data folder (stop `lore serve` on that folder first)')
    .action(async (file: string, options: { force?: boolean }) => {
      refuseServer(global(), 'restore');
      const dataDir = global().dataDir;
      const config = loadConfig(process.env, dataDir ? { dataDir } : {});
      const { manifest, counts } = await restoreBackup(config, resolve(file), {
        force: options.force === true,
      });
      const summary = Object.entries({ ...counts, blobs: manifest.counts.blobs ?? 0 })
        .map(([name, count]) => `${count} ${name}`)
        .join(', ');
      const into =
        manifest.backend === 'postgres' && config.databaseUrl
          ? redactUrl(config.databaseUrl)
          : config.dataDir;
      process.stdout.write(
        `restored ${resolve(file)} (Lore ${manifest.loreVersion}, ${manifest.createdAt}) into ${into}: ${summary}\n`,
      );
    });
}

/**
 * Backups have no HTTP door: they read and write the data folder and the database directly, so they
 * run where those are reachable (and need that access, not an account). A `--server` would otherwise
 * be ignored silently and the local folder backed up instead.
 */
function refuseServer(global: GlobalOptions, command: 'backup' | 'restore'): void {
  const server = global.server ?? process.env.LORE_SERVER_URL;
  if (server) {
    throw new LoreError(
      'invalid_request',
      `lore ${command} works on the data folder and database (LORE_DATA_DIR, LORE_DATABASE_URL), not through a server (${server}); run it where they are reachable, without --server or LORE_SERVER_URL`,
    );
  }
}
