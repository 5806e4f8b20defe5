import type { Command } from 'commander';
import { migrateStorage } from '../../app/storage.js';
import { loadConfig } from '../../config/load-config.js';
import type { GlobalOptions } from '../context.js';

/** `lore migrate`: applies pending schema migrations (embedded SQLite or LORE_DATABASE_URL) and exits. */
export function registerMigrate(program: Command, global: () => GlobalOptions): void {
  program
    .command('migrate')
    .description(
      'apply pending database migrations (the embedded database, or PostgreSQL with LORE_DATABASE_URL)',
    )
    .action(async () => {
      const dataDir = global().dataDir;
      const config = loadConfig(process.env, dataDir ? { dataDir } : {});
      const { backend, version } = await migrateStorage(config);
      process.stdout.write(
        `${backend === 'postgres' ? 'PostgreSQL ' : ''}database at schema version ${version}\n`,
      );
    });
}
