import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { LoreApp } from '../app/create-app.js';
import type { Logger } from '../app/logger.js';
import { httpStatusFor, LoreError, toLoreError } from '../core/errors.js';
import { registerDocumentRoutes } from './documents.routes.js';
import { indexPage } from './index.page.js';

/**
 * The HTTP surface of the core issue: a search/ask page, JSON search, SSE answers and document text
 * for highlighting. Errors share one JSON shape `{error:{code,message,requestId}}`.
 */
export function createRoutes(
  app: LoreApp,
  notifyWorker: () => void = () => undefined,
  logger?: Logger,
): Hono {
  const http = new Hono();
  http.use(async (c, next) => {
    const started = performance.now();
    const requestId = c.req.header('x-request-id') ?? crypto.randomUUID();
    c.header('X-Request-Id', requestId);
    await next();
    logger?.info(
      {
        requestId,
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });
  http.onError((error, c) => {
    const loreError = toLoreError(error);
    const requestId =
      c.res.headers.get('X-Request-Id') ?? c.req.header('x-request-id') ?? crypto.randomUUID();
    const status = httpStatusFor(loreError.code) as 400;
    if (status >= 500) logger?.error({ requestId, code: loreError.code, err: error }, 'request failed');
    const message = status >= 500 && loreError.code === 'internal' ? 'internal error' : loreError.message;
    return c.json({ error: { code: loreError.code, message, requestId } }, status);
  });
  http.notFound((c) =>
    c.json(
      {
        error: {
          code: 'not_found',
          message: `no route ${c.req.method} ${c.req.path}`,
          requestId: crypto.randomUUID(),
        },
      },
      404,
    ),
  );
  http.use(async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    );
  });

  http.get('/', (c) => c.html(indexPage));
  http.get('/healthz', (c) => c.json({ status: 'ok' }));

  http.get('/api/v1/search', async (c) => {
    const query = requireQuery(c.req.query('q'));
    const limit = Math.min(50, Math.max(1, Number(c.req.query('limit') ?? 10) || 10));
    const result = await app.search.search({ query, limit });
    return c.json(result);
  });

  http.get('/api/v1/ask', (c) => {
    const question = requireQuery(c.req.query('q'));
    return streamSSE(c, async (stream) => {
      const controller = new AbortController();
      stream.onAbort(() => controller.abort());
      try {
        for await (const event of app.ask.ask({ question, signal: controller.signal })) {
          await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
        }
      } catch (error) {
        const loreError = toLoreError(error);
        await stream.writeSSE({
          event: 'answer-error',
          data: JSON.stringify({ code: loreError.code, message: loreError.message }),
        });
      }
    });
  });

  registerDocumentRoutes(http, app, notifyWorker);

  http.get('/api/v1/documents', async (c) =>
    c.json({ documents: await app.store.listDocuments({ limit: 500 }) }),
  );

  http.get('/api/v1/documents/:id/text', async (c) => {
    const text = await app.store.getDocumentText(c.req.param('id'));
    if (text === undefined) throw new LoreError('not_found', `no document ${c.req.param('id')}`);
    return c.json({ text });
  });
  return http;
}

function requireQuery(value: string | undefined): string {
  const query = value?.trim();
  if (!query) throw new LoreError('invalid_request', 'the query parameter q is required');
  if (query.length > 2000) throw new LoreError('invalid_request', 'the query is longer than 2000 characters');
  return query;
}
