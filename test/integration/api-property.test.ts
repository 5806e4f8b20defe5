import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveLore } from '../fixtures/http-server.js';
import {
  type GeneratedRequest,
  invalidRequest,
  type Limits,
  mutationCount,
  validRequest,
} from '../fixtures/openapi-arbitraries.js';
import { type Operation, operationsOf } from '../fixtures/openapi-operations.js';
import { createTestApp } from '../fixtures/test-app.js';

/*
 * Property-based tests of every REST operation's validation, generated from the live OpenAPI
 * document (so a new route is covered as soon as it is documented). Against a real HTTP server
 * (SQLite, user management on, an administrator's API key):
 *  - a request the document calls valid never gets a 5xx nor a validation error (except the few
 *    rules a JSON Schema cannot state, listed in `semanticRules`);
 *  - a request broken in one place gets the expected 4xx in the one error shape
 *    `{error:{code,message,requestId}}`, whose message names the broken field;
 *  - nothing hangs (15 s per request), and no hostile body pollutes Object.prototype.
 * LORE_FUZZ_RUNS sets the runs per property per operation (default 20; `npm run fuzz:api` runs 500).
 */

const runs = Number(process.env.LORE_FUZZ_RUNS ?? 20);
const seed = process.env.LORE_FUZZ_SEED ? Number(process.env.LORE_FUZZ_SEED) : undefined;
const requestTimeoutMs = 15_000;

/**
 * 400s a valid-by-the-document request may still get: rules about values a JSON Schema cannot
 * express (the password policy, a date in the future, names that must exist, a dataset archive's
 * contents). Each is checked by the handler with a message naming the rule.
 */
const semanticRules: Record<string, RegExp[]> = {
  'POST /api/v1/auth/setup': [/the password must/],
  'POST /api/v1/auth/me/password': [/the password must/],
  'POST /api/v1/users': [/the password must/],
  'PATCH /api/v1/users/{id}': [/the password must/],
  'POST /api/v1/api-keys': [/^expiresAt: must be in the future$/],
  'POST /api/v1/documents': [/a collection name is 1–100 printable characters without slashes/],
  'POST /api/v1/evaluations': [/dataset|archive|corpus|qrels|queries|\.zip|\.tar/i],
};

const baselinePrototype = Object.getOwnPropertyNames(Object.prototype).sort();

let app: Awaited<ReturnType<typeof createTestApp>>;
let server: Awaited<ReturnType<typeof serveLore>>;
let authorization: string;
let live: unknown;
let limits: Limits;
/** The committed document (the tests are made from it); the live one must be the same. */
const committed: unknown = JSON.parse(
  readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'),
);
const operations: Operation[] = operationsOf(committed);
const tally = new Map<string, { valid: number; invalid: number; statuses: Map<number, number> }>();

beforeAll(async () => {
  app = await createTestApp({
    userManagement: 'on',
    rateLimitPerMinute: 1_000_000,
    askRateLimitPerMinute: 1_000_000,
    anonymousRateLimitPerMinute: 1_000_000,
    loginMaxFailures: 1000,
  });
  server = await serveLore(app);
  const admin = await app.identity.createUser({ email: 'admin@example.com', name: 'Admin', role: 'admin' });
  const key = await server.kit.apiKeys.create(admin, { name: 'fuzz', scopes: ['read', 'write', 'admin'] });
  authorization = `Bearer ${key.secret}`;
  live = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
  limits = {
    maxJsonBytes: app.config.httpMaxJsonBytes,
    maxJsonDepth: app.config.httpMaxJsonDepth,
    maxUrlBytes: app.config.httpMaxUrlBytes,
  };
});

afterAll(async () => {
  const rows = [...tally].map(
    ([id, t]) =>
      `${id.padEnd(48)} valid ${t.valid} invalid ${t.invalid}  ${[...t.statuses]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
  );
  process.stdout.write(`\nAPI property runs (${runs} per property):\n${rows.join('\n')}\n`);
  await server?.close();
  await app?.dispose();
});

interface Answer {
  status: number;
  text: string;
  json: unknown;
  requestIdHeader: string | null;
  urlBytes: number;
}

async function send(operation: Operation, request: GeneratedRequest): Promise<Answer> {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => request.path[name] ?? '');
  const query = request.query.map(([name, value]) => `${name}=${value}`).join('&');
  const target = `${path}${query ? `?${query}` : ''}`;
  const headers: Record<string, string> = { authorization, accept: 'application/json, text/event-stream' };
  let body: BodyInit | undefined;
  const spec = request.body;
  if (spec?.kind === 'json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(spec.value);
  } else if (spec?.kind === 'raw') {
    if (spec.contentType) headers['content-type'] = spec.contentType;
    body = Buffer.from(spec.bytes);
  } else if (spec?.kind === 'form') {
    const form = new FormData();
    for (const [name, value] of spec.fields)
      form.append(name, typeof value === 'string' ? value : new File([Buffer.from(value.bytes)], value.name));
    body = form;
  }
  const response = await fetch(`${server.url}${target}`, {
    method: operation.method,
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(requestTimeoutMs),
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const count = tally.get(operation.id)!;
  count.statuses.set(response.status, (count.statuses.get(response.status) ?? 0) + 1);
  return {
    status: response.status,
    text,
    json,
    requestIdHeader: response.headers.get('x-request-id'),
    // What the client sends (its URL parser escapes a few more characters, e.g. ' in a query).
    urlBytes: Buffer.byteLength(
      `${new URL(target, server.url).pathname}${new URL(target, server.url).search}`,
    ),
  };
}

/** The one error shape, exactly: `{error:{code,message,requestId}}`, all strings. */
function expectErrorShape(answer: Answer, context: string): { code: string; message: string } {
  const body = answer.json as { error?: Record<string, unknown> } | undefined;
  expect(body && Object.keys(body), `${context}: ${answer.text.slice(0, 300)}`).toEqual(['error']);
  expect(Object.keys(body!.error!).sort(), context).toEqual(['code', 'message', 'requestId']);
  const { code, message, requestId } = body!.error as { code: string; message: string; requestId: string };
  expect([typeof code, typeof message, typeof requestId], context).toEqual(['string', 'string', 'string']);
  if (answer.requestIdHeader) expect(requestId, context).toBe(answer.requestIdHeader);
  return { code, message };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The field appears in the message as a word of its own (`q` in "query parameter q: …", not in "query"). */
const names = (message: string, field: string) =>
  new RegExp(`(^|[^\\p{L}\\p{N}_-])${escapeRegExp(field)}($|[^\\p{L}\\p{N}_-])`, 'u').test(message) ||
  message.includes(JSON.stringify(field));

for (const operation of operations) tally.set(operation.id, { valid: 0, invalid: 0, statuses: new Map() });

describe('every operation of the OpenAPI document', () => {
  it('is the document the server serves', () => {
    expect(operations.length).toBeGreaterThan(50);
    expect(operationsOf(live)).toEqual(operations);
  });

  for (const operation of operations) {
    it(`${operation.id}: valid requests get no 5xx and no validation error; broken ones a precise 4xx`, async () => {
      const count = tally.get(operation.id)!;
      await fc.assert(
        fc.asyncProperty(validRequest(operation), async (request) => {
          count.valid += 1;
          const answer = await send(operation, request);
          const context = `${operation.id} valid ${JSON.stringify(request).slice(0, 400)} → ${answer.status}`;
          expect(answer.status, `${context} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
          if (answer.urlBytes > limits.maxUrlBytes) {
            expect(answer.status, context).toBe(414);
            return;
          }
          if (answer.status >= 400) {
            const { message } = expectErrorShape(answer, context);
            if ([400, 413, 414, 415, 431].includes(answer.status)) {
              const allowed = semanticRules[operation.id]?.some((rule) => rule.test(message)) ?? false;
              expect(allowed, `${context}: a valid request was refused: ${message}`).toBe(true);
            }
          }
        }),
        { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
      );
      if (mutationCount(operation, limits) === 0) return;
      await fc.assert(
        fc.asyncProperty(invalidRequest(operation, limits), async (request) => {
          count.invalid += 1;
          const answer = await send(operation, request);
          if (request.expect.valid) throw new Error('an invalid request was expected');
          const { mutation, field, statuses } = request.expect;
          const context = `${operation.id} [${mutation}] → ${answer.status} ${answer.text.slice(0, 300)}`;
          // Whatever else is wrong, a URL over the limit is refused for its length first.
          expect(answer.urlBytes > limits.maxUrlBytes ? [414] : statuses, context).toContain(answer.status);
          const { message } = expectErrorShape(answer, context);
          const expectedField = answer.status === 414 ? 'URL' : field;
          expect(names(message, expectedField), `${context}: the message should name ${expectedField}`).toBe(
            true,
          );
        }),
        { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
      );
    });
  }

  it('kept Object.prototype clean and the server serving', async () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(baselinePrototype);
    const probe = {} as Record<string, unknown>;
    expect([probe.role, probe.isAdmin, probe.polluted]).toEqual([undefined, undefined, undefined]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
