import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from './http-env.js';
import { httpStatusFor, requestError } from './http-errors.js';
import { requestLimits } from './request-limits.middleware.js';

function testApp() {
  const app = new Hono<AppEnv>();
  app.onError((error, c) => {
    const lore = requestError(error);
    return c.json({ code: lore.code, message: lore.message }, httpStatusFor(lore.code) as 400);
  });
  app.use(requestLimits({ maxUrlBytes: 300, maxHeaders: 10 }));
  app.get('/*', (c) => c.json({ ok: true }));
  return app;
}

describe('requestLimits', () => {
  it('serves URLs up to the limit and refuses longer ones with 414', async () => {
    expect((await testApp().request(`/search?q=${'a'.repeat(280)}`)).status).toBe(200);
    const response = await testApp().request(`/search?q=${'a'.repeat(300)}`);
    expect(response.status).toBe(414);
    expect(await response.json()).toEqual({
      code: 'uri_too_long',
      message: 'URL: 310 bytes is longer than the limit of 300 (LORE_HTTP_MAX_URL_BYTES)',
    });
  });

  it('refuses more header lines than the limit with 431', async () => {
    const headers = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x-h${i}`, 'v']));
    expect((await testApp().request('/', { headers })).status).toBe(200);
    const response = await testApp().request('/', { headers: { ...headers, 'x-more': 'v' } });
    expect(response.status).toBe(431);
    expect(await response.json()).toMatchObject({ code: 'headers_too_large', message: /^headers: / });
  });
});
