import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { toLoreError } from '../core/errors.js';
import type { Logger } from '../operations/logger.js';
import type { LoreMetrics } from '../operations/metrics.js';
import { runInRequest } from '../operations/request-context.js';
import type { AppEnv } from './http-env.js';

/** An incoming `X-Request-Id` is kept only when it is a short plain token (no spaces, no control bytes). */
const saneRequestId = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export interface RequestLogOptions {
  logger?: Logger;
  metrics?: LoreMetrics;
}

/**
 * First middleware of every Lore HTTP app: gives the request an id (the caller's `X-Request-Id` if
 * it is a sane token, else a new UUID) in `c.var.requestId` and the response header, makes it and
 * the user visible to providers (request context), then logs one JSON line per request with
 * method, route pattern, status, latency and user id, and records latency and error metrics.
 * Headers and bodies are never logged. For SSE responses the latency is the time to the headers.
 *
 * @example http.use(requestLog({ logger, metrics }))
 */
export function requestLog(options: RequestLogOptions = {}): MiddlewareHandler<AppEnv> {
  const { logger, metrics } = options;
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && saneRequestId.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    await runInRequest({ requestId, userId: () => c.get('principal')?.userId }, next);
    const ms = performance.now() - started;
    const route = routeOf(c);
    const status = c.res.status;
    const userId = c.get('principal')?.userId;
    const code = c.error ? toLoreError(c.error).code : status === 404 ? 'not_found' : undefined;
    metrics?.observeRequest({ method: c.req.method, route, status, ms });
    if (code) metrics?.countError(code, 'http');
    logger?.info(
      {
        requestId,
        method: c.req.method,
        route,
        status,
        ms: Math.round(ms * 10) / 10,
        ...(userId ? { userId } : {}),
        ...(code ? { code } : {}),
      },
      'request',
    );
  };
}

/** The request id given by `requestLog` (a new one if it did not run). */
export function requestIdOf(c: Context<AppEnv>): string {
  return c.get('requestId') ?? crypto.randomUUID();
}

/** The matched route pattern; `unmatched` when only middleware ran (a 404), so labels stay bounded. */
function routeOf(c: Context<AppEnv>): string {
  const pattern = routePath(c);
  return pattern === '/*' || pattern === '*' ? 'unmatched' : pattern;
}
