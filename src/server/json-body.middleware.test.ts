import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { httpStatusFor, requestError } from './http-errors.js';
import { jsonBody } from './json-body.middleware.js';
import { createRouter } from './openapi.js';

function testApp() {
  const app = createRouter();
  app.onError((error, c) => {
    const lore = requestError(error);
    return c.json({ code: lore.code, message: lore.message }, httpStatusFor(lore.code) as 400);
  });
  app.use(jsonBody({ maxBytes: 1024, maxDepth: 8, jsonOnlyPaths: new Set(['/raw']) }));
  const route = createRoute({
    method: 'post',
    path: '/items',
    request: {
      body: {
        required: true,
        content: {
          'application/json': { schema: z.object({ name: z.string(), limit: z.number().optional() }) },
        },
      },
    },
    responses: { 200: { description: 'ok' } },
  });
  app.openapi(route, (c) => c.json({ got: c.req.valid('json') }, 200) as never);
  app.post('/raw', async (c) => c.json({ got: await c.req.json(), seen: c.get('jsonBody') !== undefined }));
  app.post('/text', async (c) => c.json({ text: await c.req.text(), seen: c.get('jsonBody') !== undefined }));
  return app;
}

const post = (
  path: string,
  body: BodyInit,
  contentType = 'application/json',
  extra: Record<string, string> = {},
) => testApp().request(path, { method: 'POST', body, headers: { 'content-type': contentType, ...extra } });

describe('jsonBody', () => {
  it('gives routes the parsed value through c.req.json() and their validators', async () => {
    const response = await post('/items', '{"name":"a","limit":3}');
    expect(await response.json()).toEqual({ got: { name: 'a', limit: 3 } });
    const charset = await post('/items', '{"name":"b"}', 'application/json; charset=UTF-8');
    expect(charset.status).toBe(200);
  });

  it('answers 400 naming a repeated key before any route sees the body', async () => {
    const response = await post('/items', '{"name":"a","name":"b"}');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'invalid_request',
      message: 'name: appears twice in the JSON body',
    });
  });

  it('refuses prototype keys, deep nesting and invalid UTF-8', async () => {
    expect(await (await post('/items', '{"name":"a","__proto__":{"x":1}}')).json()).toMatchObject({
      message: '__proto__: the key "__proto__" is not accepted in a JSON body',
    });
    expect((await post('/items', `{"name":${'['.repeat(9)}${']'.repeat(9)}}`)).status).toBe(400);
    const invalidUtf8 = new Uint8Array([...new TextEncoder().encode('{"name":"'), 0xff, 0xfe, 0x22, 0x7d]);
    const response = await post('/items', invalidUtf8);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: 'body: the JSON body is not valid UTF-8' });
  });

  it('answers 413 for a declared or streamed body over the limit', async () => {
    const declared = await post('/items', JSON.stringify({ name: 'x'.repeat(2000) }));
    expect(declared.status).toBe(413);
    expect(declared.headers.get('connection')).toBe('close');
    const chunk = new TextEncoder().encode(`{"name":"${'y'.repeat(600)}`);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await testApp().request('/items', {
      method: 'POST',
      body: streamed,
      headers: { 'content-type': 'application/json' },
      // @ts-expect-error Node's fetch needs duplex for a streamed body
      duplex: 'half',
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('refuses a JSON body in another charset with 415', async () => {
    const response = await post('/items', '{"name":"a"}', 'application/json; charset=utf-16');
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('leaves other media types to the route, which answers 415 when it takes JSON', async () => {
    const text = await post('/text', '{"a":1,"a":2}', 'text/plain');
    expect(await text.json()).toEqual({ text: '{"a":1,"a":2}', seen: false });
    const refused = await post('/items', '{"name":"a"}', 'text/plain');
    expect(refused.status).toBe(415);
    expect(await refused.json()).toMatchObject({
      code: 'unsupported_media_type',
      message: /^Content-Type: /,
    });
  });

  it('reads JSON-only paths as JSON whatever the Content-Type, strictly', async () => {
    const form = await post('/raw', '{"a":1}', 'application/x-www-form-urlencoded');
    expect(await form.json()).toEqual({ got: { a: 1 }, seen: true });
    expect((await post('/raw', '{"a":1,"a":2}', 'text/plain')).status).toBe(400);
    const empty = await post('/raw', '');
    expect(await empty.json()).toEqual({ seen: true });
  });
});
