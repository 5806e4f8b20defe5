import { join } from 'node:path';
import type { Command } from 'commander';
import { openDatabase } from '../../adapters/store/sqlite/database.js';
import { loadConfig } from '../../config/load-config.js';
import type { GlobalOptions } from '../context.js';

/** `lore migrate`: applies pending schema migrations and exits. */
export function registerMigrate(program: Command, global: () => GlobalOptions): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() => {
      const dataDir = global().dataDir;
      const config = loadConfig(process.env, dataDir ? { dataDir } : {});
      const db = openDatabase(join(config.dataDir, 'lore.db'), { migrate: true });
      const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
        version: number;
      };
      db.close();
      process.stdout.write(`database at schema version ${row.version}\n`);
    });
}
