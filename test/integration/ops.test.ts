import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { LoreError } from '../../src/core/errors.js';
import { instrumentApp } from '../../src/operations/instrument.js';
import { createLogger } from '../../src/operations/logger.js';
import { LoreMetrics } from '../../src/operations/metrics.js';
import { ProviderHealth } from '../../src/operations/provider-health.js';
import type { LanguageModel } from '../../src/ports/language-model.port.js';
import { createRoutes } from '../../src/server/app.routes.js';
import { createOpsRoutes } from '../../src/server/ops.routes.js';
import { createTestApp } from '../fixtures/test-app.js';

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.dispose()));
});

/** A pino destination that keeps every line. */
function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger({ logLevel: 'info' }, stream) };
}

async function setup(options: { languageModel?: LanguageModel; config?: Record<string, unknown> } = {}) {
  const app = await createTestApp(options.config ?? {}, {
    embedder: null,
    languageModel: options.languageModel ?? null,
  });
  apps.push(app);
  const { lines, logger } = captureLogs();
  const metrics = new LoreMetrics({ processMetrics: false, queueCounts: () => app.queue.counts() });
  const health = new ProviderHealth();
  instrumentApp(app, metrics, health);
  const ops = { metrics, health, state: { draining: false } };
  const http = createRoutes(app, { logger, ops });
  return { app, http, lines, logger, metrics, health, ops };
}

describe('operations endpoints', () => {
  it('/readyz reports every check and turns 503 naming the failing one', async () => {
    const { app, http, ops } = await setup();
    const ready = await http.request('/readyz');
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('ready');
    expect(Object.keys(body.checks).sort()).toEqual(['blobs', 'database', 'embedder', 'llm', 'queue']);
    expect(body.checks.llm).toMatchObject({ status: 'ok', reason: 'not configured' });

    ops.state.draining = true;
    expect((await http.request('/readyz')).status).toBe(503);
    ops.state.draining = false;

    await app.store.close(); // the database goes away
    const broken = await http.request('/readyz');
    expect(broken.status).toBe(503);
    expect(await broken.json()).toMatchObject({
      status: 'not-ready',
      checks: { database: { status: 'fail', reason: expect.stringMatching(/not open/) } },
    });
  });

  it('/metrics requires the bearer token when LORE_METRICS_TOKEN is set', async () => {
    const { http } = await setup({ config: { metricsToken: 'scrape-secret' } });
    expect((await http.request('/metrics')).status).toBe(401);
    expect((await http.request('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await http.request('/metrics', { headers: { authorization: 'Bearer scrape-secret' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('lore_http_request_duration_seconds');
  });

  it('/metrics exposes request latency by route pattern, retrieval, queue depth and errors by code', async () => {
    const { app, http } = await setup();
    await app.ingest.ingest({
      bytes: new TextEncoder().encode('The staff kitchen closes at nine every evening.'),
      fileName: 'kitchen.txt',
      source: 'kitchen.txt',
      collection: 'default',
      tags: [],
    });
    const [document] = await app.store.listDocuments();
    expect((await http.request('/api/v1/search?q=kitchen')).status).toBe(200);
    expect((await http.request(`/api/v1/documents/${document!.id}/text`)).status).toBe(200);
    expect((await http.request('/api/v1/documents/nope/text')).status).toBe(404);
    expect((await http.request('/api/v1/no/such/path')).status).toBe(404);
    await app.queue.enqueue('ingest-file', {});
    const response = await http.request('/metrics');
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toMatch(
      /lore_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/search",status="200"\} 1/,
    );
    expect(text).toMatch(/route="\/api\/v1\/documents\/:id\/text",status="200"\} 1/);
    expect(text).toMatch(/route="unmatched",status="404"\} 1/);
    expect(text).not.toContain('/api/v1/no/such/path');
    expect(text).toMatch(/lore_retrieval_duration_seconds_count\{stage="lexical"\} 1/);
    expect(text).toMatch(/lore_retrieval_duration_seconds_count\{stage="total"\} 1/);
    expect(text).toContain('lore_queue_jobs{state="queued"} 1');
    expect(text).toMatch(/lore_errors_total\{code="not_found",source="http"\} 2/);
  });

  it('counts language model tokens and latency per user and model, and marks a failing provider degraded', async () => {
    let fail = false;
    const model: LanguageModel = {
      id: 'test:model',
      stream: () => {
        if (fail) {
          return {
            textStream: (async function* () {
              yield* [];
              throw new LoreError('provider_unavailable', 'The chat server at http://x did not answer.');
            })(),
            usage: new Promise(() => undefined),
          };
        }
        return {
          textStream: (async function* () {
            yield 'The kitchen closes at nine [1].';
          })(),
          usage: Promise.resolve({ inputTokens: 120, outputTokens: 9 }),
        };
      },
    };
    const { app, http, metrics } = await setup({ languageModel: model });
    await app.ingest.ingest({
      bytes: new TextEncoder().encode('The staff kitchen closes at nine every evening.'),
      fileName: 'kitchen.txt',
      source: 'kitchen.txt',
      collection: 'default',
      tags: [],
    });
    await (await http.request('/api/v1/ask?q=When%20does%20the%20kitchen%20close')).text();
    const text = await metrics.render();
    expect(text).toContain(
      'lore_llm_tokens_total{user="anonymous",model="test:model",direction="input"} 120',
    );
    expect(text).toContain('lore_llm_tokens_total{user="anonymous",model="test:model",direction="output"} 9');
    expect(text).toMatch(
      /lore_llm_request_duration_seconds_count\{user="anonymous",model="test:model",outcome="ok"\} 1/,
    );

    fail = true;
    await (await http.request('/api/v1/ask?q=When%20does%20the%20kitchen%20close')).text();
    const ready = await http.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      checks: {
        llm: {
          status: 'degraded',
          provider: 'test:model',
          reason: expect.stringMatching(/^provider_unavailable/),
        },
      },
    });
    expect(await metrics.render()).toContain(
      'lore_errors_total{code="provider_unavailable",source="provider"} 1',
    );
  });

  it('logs one JSON line per request with id, route, status and latency, never a secret', async () => {
    const { http, lines, logger } = await setup();
    const secret = 'sk-very-secret-token-123';
    const response = await http.request('/api/v1/search?q=kitchen', {
      headers: {
        Authorization: `Bearer ${secret}`,
        Cookie: `lore_session=${secret}`,
        'X-Request-Id': 'req-42',
      },
    });
    expect(response.headers.get('x-request-id')).toBe('req-42');
    await http.request('/api/v1/documents', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secret}` },
      body: JSON.stringify({ email: 'a@example.com', password: secret }),
    });
    // Defence in depth: even a careless log call with the request's secrets is redacted.
    logger.info(
      {
        req: { headers: { authorization: `Bearer ${secret}`, cookie: secret } },
        password: secret,
        user: { apiKey: secret },
      },
      'careless',
    );
    const output = lines.join('\n');
    expect(output).not.toContain(secret);
    const entry = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.requestId === 'req-42');
    expect(entry).toMatchObject({ msg: 'request', method: 'GET', route: '/api/v1/search', status: 200 });
    expect(typeof entry?.ms).toBe('number');
  });

  it('keeps a sane X-Request-Id, replaces an unsafe one, and uses the same id in a 404 body', async () => {
    const { http } = await setup();
    const notFound = await http.request('/api/v1/nowhere', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(notFound.headers.get('x-request-id')).toBe('abc-123');
    expect(await notFound.json()).toMatchObject({ error: { code: 'not_found', requestId: 'abc-123' } });
    const unsafe = await http.request('/api/v1/nowhere', {
      headers: { 'X-Request-Id': 'a b\u0007<script>' },
    });
    const id = unsafe.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await unsafe.json()).toMatchObject({ error: { requestId: id } });
  });

  it('a worker-only process serves only the probes and metrics', async () => {
    const app = await createTestApp({ roles: 'worker' });
    apps.push(app);
    const http = createOpsRoutes(app);
    expect((await http.request('/healthz')).status).toBe(200);
    expect((await http.request('/readyz')).status).toBe(200);
    expect((await http.request('/metrics')).status).toBe(200);
    const search = await http.request('/api/v1/search?q=x');
    expect(search.status).toBe(404);
    expect(await search.json()).toMatchObject({
      error: { message: expect.stringContaining('LORE_ROLES=worker') },
    });
  });
});
