import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { LoreApp } from '../app/create-app.js';
import { LoreError } from '../core/errors.js';
import type { Logger } from '../operations/logger.js';
import { LoreMetrics } from '../operations/metrics.js';
import { ProviderHealth } from '../operations/provider-health.js';
import { checkReadiness } from '../operations/readiness.js';
import type { AppEnv } from './http-env.js';
import { requestLog } from './request-log.middleware.js';

/** What the operations endpoints share with the process that serves them. */
export interface OpsContext {
  logger?: Logger;
  metrics: LoreMetrics;
  health: ProviderHealth;
  /** Set when shutdown begins: `/readyz` then answers 503 so load balancers stop sending traffic. */
  state: { draining: boolean };
}

export type OpsOptions = Partial<OpsContext>;

type OpsApp = Pick<LoreApp, 'config' | 'maintenance' | 'queue' | 'blobs' | 'languageModel' | 'embedder'> &
  Partial<Pick<LoreApp, 'lexical'>>;

/** Fills what `options` leaves out (a fresh metrics registry, an empty provider health). */
export function opsContext(app: Pick<LoreApp, 'queue'>, options: OpsOptions = {}): OpsContext {
  return {
    ...(options.logger ? { logger: options.logger } : {}),
    metrics:
      options.metrics ?? new LoreMetrics({ processMetrics: false, queueCounts: () => app.queue.counts() }),
    health: options.health ?? new ProviderHealth(),
    state: options.state ?? { draining: false },
  };
}

/**
 * Registers the request logger (call this before any other middleware or route, so it wraps them
 * all) and the probes: `GET /readyz` (200 with every check, 503 naming the failing one) and
 * `GET /metrics` (Prometheus text). `/healthz` (liveness) stays with the app's routes.
 *
 * @example registerOps(http, app, { logger, metrics })
 */
export function registerOps(http: Hono<AppEnv>, app: OpsApp, options: OpsOptions = {}): OpsContext {
  const ops = opsContext(app, options);
  http.use(requestLog({ ...(ops.logger ? { logger: ops.logger } : {}), metrics: ops.metrics }));
  http.get('/readyz', async (c) => {
    const report = await checkReadiness(app, ops.health, { draining: ops.state.draining });
    c.header('Cache-Control', 'no-store');
    return c.json(report, report.status === 'ready' ? 200 : 503);
  });
  http.get('/metrics', async (c) => {
    const token = app.config.metricsToken;
    if (token && !sameSecret(c.req.header('authorization') ?? '', `Bearer ${token}`)) {
      throw new LoreError('unauthenticated', 'send Authorization: Bearer <LORE_METRICS_TOKEN>');
    }
    const text = await ops.metrics.render();
    return c.body(text, 200, { 'Content-Type': ops.metrics.contentType, 'Cache-Control': 'no-store' });
  });
  return ops;
}

/**
 * The HTTP app of a process without the `api` role (a worker): only `/healthz`, `/readyz` and
 * `/metrics`, so orchestrators can probe and scrape it like any other process.
 */
export function createOpsRoutes(app: OpsApp, options: OpsOptions = {}): Hono<AppEnv> {
  const http = new Hono<AppEnv>();
  registerOps(http, app, options);
  http.get('/healthz', (c) => c.json({ status: 'ok' }));
  http.notFound((c) =>
    c.json(
      {
        error: {
          code: 'not_found',
          message: `no route ${c.req.method} ${c.req.path} (this process runs LORE_ROLES=${app.config.roles.join(',')})`,
          requestId: c.get('requestId') ?? crypto.randomUUID(),
        },
      },
      404,
    ),
  );
  return http;
}

/** Constant-time comparison of two header values. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
