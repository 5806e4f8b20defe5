import { hostname } from 'node:os';
import type { Hono } from 'hono';
import { connectorsTask } from '../app/connectors.js';
import type { LoreApp } from '../app/create-app.js';
import { runAsBackground } from '../core/background-work.js';
import { toLoreError } from '../core/errors.js';
import type { AppEnv } from '../server/http-env.js';
import { serveHttp } from '../server/http-server.js';
import { createOpsRoutes, type OpsContext } from '../server/ops.routes.js';
import { EmbeddingGenerationRunner } from '../worker/embedding-generation.runner.js';
import { EvaluationJobRunner } from '../worker/evaluation-job.runner.js';
import { IngestJobRunner } from '../worker/ingest-job.runner.js';
import type { JobRunner, StopOutcome } from '../worker/job-runner.js';
import { instrumentApp } from './instrument.js';
import { orphanBlobsTask } from './integrity/orphan-blobs.js';
import type { Logger } from './logger.js';
import { maintenanceTasks } from './maintenance.tasks.js';
import { LoreMetrics } from './metrics.js';
import { ProviderHealth } from './provider-health.js';
import { type ScheduledTask, Scheduler } from './scheduler.js';
import { loreVersion } from './version.js';

export interface ServerProcessOptions {
  logger: Logger;
  /** Builds the API routes (processes with the `api` role); `ops` must be passed to `registerOps`. */
  apiRoutes: (notifyWorker: () => void, ops: OpsContext) => Hono<AppEnv>;
  /** Extra scheduled tasks (e.g. expired sessions), run by the process with the `worker` role. */
  tasks?: ScheduledTask[];
  /** Called once the process has stopped, instead of `process.exit` (tests). */
  exit?: (code: number) => void;
}

export interface ServerProcess {
  ops: OpsContext;
  /** Resolves with the port once the server listens (LORE_PORT=0 picks a free one). */
  listening: Promise<number>;
  scheduler?: Scheduler;
  /** Graceful shutdown (what SIGTERM and SIGINT do); resolves to the exit code. */
  shutdown(reason: string): Promise<number>;
}

/**
 * One `lore serve` process: by `LORE_ROLES` the HTTP API (`api`), the ingestion worker and the
 * scheduler (`worker`), or both; a worker-only process still serves `/healthz`, `/readyz` and
 * `/metrics`. On SIGTERM/SIGINT it stops accepting connections, fails `/readyz`, lets in-flight
 * requests and the running job finish within `LORE_SHUTDOWN_TIMEOUT_MS` (a job still running then is
 * released to another worker), closes the database and exits; a second signal exits at once.
 */
export function startServerProcess(app: LoreApp, options: ServerProcessOptions): ServerProcess {
  const { logger } = options;
  const { roles, shutdownTimeoutMs } = app.config;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const metrics = new LoreMetrics({
    queueCounts: () => app.queue.counts(),
    info: { version: loreVersion(), roles: roles.join(',') },
  });
  const ops: OpsContext = { logger, metrics, health: new ProviderHealth(), state: { draining: false } };
  instrumentApp(app, metrics, ops.health);

  const worker = roles.includes('worker');
  // LORE_WORKER_CONCURRENCY runners, each claiming its own job from the queue.
  // A database that is down or full makes every poll fail: log it when it changes, at most every 30 s.
  let lastWorkerError = { code: '', at: 0 };
  const onWorkerError = (error: unknown) => {
    const failure = toLoreError(error);
    const now = Date.now();
    if (failure.code === lastWorkerError.code && now - lastWorkerError.at < 30_000) return;
    lastWorkerError = { code: failure.code, at: now };
    metrics.countError(failure.code, 'ingest');
    logger.warn({ code: failure.code, err: error }, `ingest worker cannot take jobs: ${failure.message}`);
  };
  const newRunner = () =>
    new IngestJobRunner(app.queue, app.blobs, app.ingest, {
      leaseMs: app.config.jobLeaseMs,
      idleMs: 1_000,
      onError: onWorkerError,
      onOutcome: (job, outcome) => {
        metrics.countIngest(outcome.status, outcome.status === 'failed' ? 0 : (outcome.chunks ?? 0));
        if (outcome.error) metrics.countError(outcome.error.code, 'ingest');
        logger.info(
          {
            jobId: job.id,
            file: outcome.fileName,
            status: outcome.status,
            chunks: outcome.chunks,
            error: outcome.error?.code,
          },
          'ingest job finished',
        );
      },
    });
  const runners: JobRunner[] = worker ? Array.from({ length: app.config.workerConcurrency }, newRunner) : [];
  // Embedding index generations (a changed embedding profile) and evaluation runs are worker jobs too.
  if (worker && app.generations)
    runners.push(
      new EmbeddingGenerationRunner(app.queue, app.generations, {
        leaseMs: app.config.jobLeaseMs,
        idleMs: 5_000,
        onError: (error) => logger.error({ err: error }, 'embedding generation failed'),
        ...(app.collectionEmbeddings ? { collections: app.collectionEmbeddings } : {}),
      }),
    );
  if (worker && app.evaluations)
    runners.push(
      new EvaluationJobRunner(app, app.queue, app.evaluations, {
        leaseMs: 120_000,
        idleMs: 2_000,
        onError: (error) => logger.error({ err: error }, 'evaluation worker cannot take jobs'),
      }),
    );
  const scheduler = worker
    ? new Scheduler({
        maintenance: app.maintenance,
        owner,
        logger,
        onRun: (task, outcome, ms) => {
          metrics.observeScheduledTask(task, outcome, ms);
          if (outcome === 'error') metrics.countError('internal', 'scheduler');
        },
      })
    : undefined;
  const housekeeping = [...maintenanceTasks(app.maintenance), orphanBlobsTask(app), connectorsTask(app)];
  for (const task of [...housekeeping, ...(options.tasks ?? [])]) scheduler?.register(task);

  const http = roles.includes('api')
    ? options.apiRoutes(() => {
        for (const runner of runners) runner.notify();
      }, ops)
    : createOpsRoutes(app, ops);
  let listened: (port: number) => void = () => undefined;
  const listening = new Promise<number>((resolve) => {
    listened = resolve;
  });
  const server = serveHttp({
    fetch: http.fetch,
    hostname: app.config.host,
    port: app.config.port,
    limits: app.config,
    onListening: (info) => {
      logger.info({ host: app.config.host, port: info.port, roles, owner }, 'listening');
      process.stdout.write(
        `Lore is serving http://${app.config.host}:${info.port} (roles ${roles.join(',')}, data in ${app.config.dataDir})\n`,
      );
      listened(info.port);
    },
  });
  // Their database calls use the background pool (LORE_DB_BACKGROUND_POOL_SIZE), not the requests'.
  runAsBackground(() => {
    for (const runner of runners) runner.start();
    scheduler?.start();
  });
  let stopping: Promise<number> | undefined;
  const shutdown = (reason: string): Promise<number> => {
    stopping ??= (async () => {
      const started = Date.now();
      ops.state.draining = true;
      logger.info({ reason, timeoutMs: shutdownTimeoutMs }, 'shutting down');
      const hardStop = setTimeout(() => {
        logger.error({ timeoutMs: shutdownTimeoutMs }, 'shutdown took too long; exiting anyway');
        exit(1);
      }, shutdownTimeoutMs);
      hardStop.unref();
      // Keep a margin of the budget for closing the database and flushing logs.
      const budget = Math.max(50, shutdownTimeoutMs - Math.min(1_000, shutdownTimeoutMs / 4));
      const left = () => Math.max(0, budget - (Date.now() - started));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      const [job] = await Promise.all([
        Promise.all(runners.map((runner) => runner.stop(left()))).then(combineStops),
        scheduler?.stop(),
      ]);
      const drained = await Promise.race([closed.then(() => true), delay(left()).then(() => false)]);
      if (!drained && 'closeAllConnections' in server) server.closeAllConnections();
      await app.close();
      clearTimeout(hardStop);
      logger.info({ ms: Date.now() - started, job, connectionsDrained: drained }, 'stopped');
      logger.flush?.();
      return 0;
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    void shutdown(signal).then(exit, (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      exit(1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { ops, listening, ...(scheduler ? { scheduler } : {}), shutdown };
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** One outcome for several runners: released beats finished beats idle. */
function combineStops(outcomes: StopOutcome[]): StopOutcome {
  if (outcomes.includes('released')) return 'released';
  return outcomes.includes('finished') ? 'finished' : 'idle';
}
