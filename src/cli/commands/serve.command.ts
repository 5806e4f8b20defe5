import type { Command } from 'commander';
import { createLogger } from '../../app/logger.js';
import { createRoutes } from '../../server/app.routes.js';
import { prepareIdentity } from '../../server/auth/bootstrap.js';
import { startServerProcess } from '../../server/server-process.js';
import { type GlobalOptions, openApp } from '../context.js';

/** `lore serve`: the minimal search/ask page and JSON/SSE endpoints on LORE_HOST:LORE_PORT. */
export function registerServe(program: Command, global: () => GlobalOptions): void {
  program
    .command('serve')
    .description('serve the search/ask page and API (default http://127.0.0.1:7860)')
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
