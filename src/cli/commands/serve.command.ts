import type { Command } from 'commander';
import type { LoreApp } from '../../app/create-app.js';
import { detectOllama, ollamaSuggestion } from '../../app/ollama-detect.js';
import { createLogger } from '../../operations/logger.js';
import { startServerProcess } from '../../operations/server-process.js';
import { createRoutes } from '../../server/app.routes.js';
import { prepareIdentity } from '../../server/auth/bootstrap.js';
import { type GlobalOptions, openApp } from '../context.js';

/** `lore serve`: the web UI, the APIs and the worker (by LORE_ROLES) on LORE_HOST:LORE_PORT. */
export function registerServe(program: Command, global: () => GlobalOptions): void {
  program
    .command('serve')
    .description('serve the web UI, the APIs and the ingestion worker (default http://127.0.0.1:7860)')
    .option('--host <host>', 'address to bind (overrides LORE_HOST)')
    .option('--port <port>', 'port (overrides LORE_PORT)')
    .action(async (options: { host?: string; port?: string }) => {
      const app = await openApp(global(), {
        ...(options.host ? { host: options.host } : {}),
        ...(options.port ? { port: options.port } : {}),
      });
      const logger = createLogger(app.config);
      const identity = await prepareIdentity(app, logger).catch(async (error: unknown) => {
        await app.close();
        throw error;
      });
      void offerOllama(app);
      startServerProcess(app, {
        logger,
        tasks: identity.tasks,
        apiRoutes: (notifyWorker, ops) =>
          createRoutes(app, {
            notifyWorker,
            logger,
            ops,
            ...(identity.setupToken ? { setupToken: identity.setupToken } : {}),
          }),
      });
    });
}

/**
 * Without a chat model or embedder, looks for an Ollama server on localhost and prints the settings
 * that would use its models (nothing is changed without the user's say-so).
 */
async function offerOllama(app: LoreApp): Promise<void> {
  const needs = { chat: !app.languageModel, embedder: !app.embedder };
  if (!needs.chat && !needs.embedder) return;
  const offer = await detectOllama();
  const lines = offer ? ollamaSuggestion(offer, needs) : [];
  if (lines.length === 0) return;
  process.stdout.write(
    `Ollama is running on ${offer!.baseUrl}. To answer with its models, restart Lore with:\n  ${lines.join(' \\\n  ')} npm start\n`,
  );
}
