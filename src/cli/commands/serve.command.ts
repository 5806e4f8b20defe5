import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { createLogger } from '../../app/logger.js';
import { LoreError } from '../../core/errors.js';
import { createRoutes } from '../../server/app.routes.js';
import { IngestJobRunner } from '../../worker/ingest-job.runner.js';
import { type GlobalOptions, openApp } from '../context.js';

const loopback = new Set(['127.0.0.1', '::1', 'localhost']);

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
      if (!loopback.has(app.config.host)) {
        await app.close();
        throw new LoreError(
          'invalid_config',
          `refusing to bind to ${app.config.host}: this version has no user accounts yet, so it only listens on 127.0.0.1`,
        );
      }
      const logger = createLogger(app.config);
      const runner = new IngestJobRunner(app.queue, app.blobs, app.ingest, {
        leaseMs: 60_000,
        idleMs: 1_000,
        onOutcome: (job, outcome) =>
          logger.info(
            {
              jobId: job.id,
              file: outcome.fileName,
              status: outcome.status,
              chunks: outcome.chunks,
              error: outcome.error?.code,
            },
            'ingest job finished',
          ),
      });
      runner.start();
      const server = serve(
        {
          fetch: createRoutes(app, () => runner.notify(), logger).fetch,
          hostname: app.config.host,
          port: app.config.port,
        },
        (info) => {
          process.stdout.write(
            `Lore is serving http://${app.config.host}:${info.port} (data in ${app.config.dataDir})\n`,
          );
        },
      );
      const stop = () => {
        // Stop accepting, let the running job finish (its lease covers a crash), then close.
        server.close();
        void runner
          .stop()
          .then(() => app.close())
          .then(() => process.exit(0));
        setTimeout(() => process.exit(0), 10_000).unref();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
