import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from './http-env.js';
import { httpStatusFor, requestError } from './http-errors.js';
import { encodingProblem, urlEncoding } from './url-encoding.middleware.js';

function testApp() {
  const app = new Hono<AppEnv>();
  app.onError((error, c) => {
    const lore = requestError(error);
    return c.json({ code: lore.code, message: lore.message }, httpStatusFor(lore.code) as 400);
  });
  app.use(urlEncoding({ routePatterns: () => app.routes.map((route) => route.path) }));
  app.get('/search', (c) => c.json({ q: c.req.query('q') ?? null }));
  app.get('/documents/:id/text', (c) => c.json({ id: c.req.param('id') }));
  app.get('/models/:model{.+}', (c) => c.json({ model: c.req.param('model') }));
  return app;
}

async function get(path: string) {
  const response = await testApp().request(path);
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('urlEncoding', () => {
  it('passes well-formed percent-encoding, pluses and plain text', async () => {
    expect(await get('/search?q=caf%C3%A9+au+lait%20%F0%9F%98%80')).toEqual({
      status: 200,
      body: { q: 'café au lait 😀' },
    });
    expect((await get('/search?q=100%25')).body).toEqual({ q: '100%' });
    expect((await get('/documents/a%2Fb/text')).body).toEqual({ id: 'a/b' });
  });

  it('refuses %ff%fe in a query naming the parameter (it used to be searched as "ff fe")', async () => {
    const { status, body } = await get('/search?q=%ff%fe');
    expect(status).toBe(400);
    expect(body.code).toBe('invalid_request');
    expect(body.message).toBe(
      'query parameter q: "%ff%fe" is not percent-encoded UTF-8 (invalid, overlong or surrogate byte sequence)',
    );
  });

  it('refuses overlong forms, encoded surrogates, code points past U+10FFFF, NUL and stray %', async () => {
    for (const value of [
      '%c0%af',
      '%e0%80%80',
      '%ed%a0%80',
      '%f4%90%80%80',
      'a%00b',
      '%zz',
      'abc%',
      '%e2%82',
    ]) {
      const { status, body } = await get(`/search?x=1&q=${value}`);
      expect(status, value).toBe(400);
      expect(body.message, value).toMatch(/^query parameter q: /);
    }
    expect((await get('/search?%ff=1')).body.message).toMatch(/^query parameter name: /);
  });

  it('names the path parameter of a bad path segment', async () => {
    const { status, body } = await get('/documents/%ff/text');
    expect(status).toBe(400);
    expect(body.message).toMatch(/^path parameter id: "%ff" is not percent-encoded UTF-8/);
    expect((await get('/models/lore/%ed%a0%80')).body.message).toMatch(/^path parameter model: /);
    expect((await get('/nowhere/%00')).body.message).toMatch(/^path segment 2: "%00" contains a NUL/);
  });

  it('finds problems the same way the check function does', () => {
    expect(encodingProblem('plain', true)).toBeUndefined();
    expect(encodingProblem('%E2%82%AC', false)).toBeUndefined();
    expect(encodingProblem('%80', false)).toMatch(/not percent-encoded UTF-8/);
  });
});
