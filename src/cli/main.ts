#!/usr/bin/env node
import { Command } from 'commander';
import { LoreError } from '../core/errors.js';
import { registerAsk } from './commands/ask.command.js';
import { registerBackup } from './commands/backup.command.js';
import { registerCheck } from './commands/check.command.js';
import { registerConnectors } from './commands/connectors.command.js';
import { registerDocuments } from './commands/documents.command.js';
import { registerEval } from './commands/eval.command.js';
import { registerIngest } from './commands/ingest.command.js';
import { registerMigrate } from './commands/migrate.command.js';
import { registerMigrateStore } from './commands/migrate-store.command.js';
import { registerModels } from './commands/models.command.js';
import { registerSearch } from './commands/search.command.js';
import { registerServe } from './commands/serve.command.js';
import { registerSync } from './commands/sync.command.js';
import type { GlobalOptions } from './context.js';

const program = new Command();
program
  .name('lore')
  .description('Lore: a self-hosted knowledge assistant. Ingest documents, search them, ask cited questions.')
  .option('-d, --data-dir <dir>', 'data folder (overrides LORE_DATA_DIR; default ./data)')
  .option('--server <url>', 'use a Lore server instead of the data folder (or LORE_SERVER_URL)')
  .option('--api-key <key>', 'API key for --server (or LORE_API_KEY)')
  .showHelpAfterError();

const global = (): GlobalOptions => program.opts<GlobalOptions>();
registerIngest(program, global);
registerSync(program, global);
registerConnectors(program, global);
registerSearch(program, global);
registerAsk(program, global);
registerDocuments(program, global);
registerEval(program, global);
registerServe(program, global);
registerMigrate(program, global);
registerModels(program, global);
registerMigrateStore(program, global);
registerBackup(program, global);
registerCheck(program, global);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (LoreError.is(error)) {
    process.stderr.write(`lore: ${error.message}\n`);
    process.exitCode = error.code === 'invalid_config' || error.code === 'invalid_request' ? 64 : 1;
  } else {
    process.stderr.write(`lore: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
