import type { Server } from 'node:http';
import { connect } from 'node:net';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultHttpLimits, type HttpLimits } from '../config/http-config.schema.js';
import { serveHttp } from './http-server.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function start(limits: Partial<HttpLimits> = {}): Promise<number> {
  const app = new Hono();
  app.get('/', (c) => c.text('ok'));
  app.post('/echo', async (c) => c.text(await c.req.text()));
  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      for (let i = 0; i < 6; i++) {
        await stream.writeSSE({ data: String(i) });
        await stream.sleep(150);
      }
    }),
  );
  return new Promise((resolve) => {
    const server = serveHttp({
      fetch: app.fetch,
      hostname: '127.0.0.1',
      port: 0,
      limits: { ...defaultHttpLimits(), ...limits },
      onListening: (info) => resolve(info.port),
    });
    servers.push(server);
  });
}

/**
 * Writes `parts` to a raw connection (pausing `gapMs` between them) and returns all it received
 * and when it closed (or when what it received satisfied `until`, which then closes it).
 */
function exchange(
  port: number,
  parts: string[],
  gapMs = 0,
  until?: (text: string) => boolean,
): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (data) => {
      text += data.toString();
      if (until?.(text)) {
        resolve({ text, closedAfterMs: Date.now() - started });
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
    void (async () => {
      for (const part of parts) {
        if (socket.destroyed) return;
        socket.write(part);
        if (gapMs) await new Promise((next) => setTimeout(next, gapMs));
      }
    })();
  });
}

const bodyOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));

describe('serveHttp', () => {
  it('answers 414 for a URL longer than the head limit and 431 for oversized headers, as JSON', async () => {
    const port = await start();
    const url = await exchange(port, [`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);
    expect(url.text).toMatch(/^HTTP\/1\.1 414 /);
    expect(bodyOf(url.text).error).toMatchObject({ code: 'uri_too_long', requestId: expect.any(String) });
    // Sent in two reads: the overflow happens in the second, which is all URL.
    const split = await exchange(
      port,
      [`GET /${'a'.repeat(10_000)}`, `${'%41'.repeat(20_000)} HTTP/1.1\r\n\r\n`],
      100,
    );
    expect(split.text).toMatch(/^HTTP\/1\.1 414 /);
    const head = await exchange(port, [`GET / HTTP/1.1\r\nHost: x\r\nCookie: ${'c'.repeat(20_000)}\r\n\r\n`]);
    expect(head.text).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(head.text).error).toMatchObject({ code: 'headers_too_large', message: /^headers: / });
    const malformed = await exchange(port, ['GE T / HTTP/1.1\r\n\r\n']);
    expect(malformed.text).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(malformed.text).error.code).toBe('invalid_request');
  });

  it('closes a connection that trickles its headers with 408 after the headers timeout', async () => {
    const port = await start({ httpHeadersTimeoutMs: 400, httpRequestTimeoutMs: 800 });
    const header = 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n';
    const slow = await exchange(port, [...header], 100);
    expect(slow.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(slow.text).error.code).toBe('request_timeout');
    expect(slow.closedAfterMs).toBeGreaterThanOrEqual(400);
    expect(slow.closedAfterMs).toBeLessThan(2_500);
  });

  it('closes a connection that trickles its body after the request timeout', async () => {
    const port = await start({ httpHeadersTimeoutMs: 300, httpRequestTimeoutMs: 600 });
    const head = 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n';
    const slow = await exchange(port, [head, ...'x'.repeat(100)], 100);
    expect(slow.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(slow.closedAfterMs).toBeGreaterThanOrEqual(600);
    expect(slow.closedAfterMs).toBeLessThan(3_000);
  });

  it('does not cut a response that lasts longer than the request timeout (SSE)', async () => {
    const port = await start({ httpHeadersTimeoutMs: 200, httpRequestTimeoutMs: 300 });
    const stream = await exchange(port, ['GET /events HTTP/1.1\r\nHost: x\r\n\r\n'], 0, (text) =>
      text.includes('data: 5'),
    );
    expect(stream.text).toMatch(/^HTTP\/1\.1 200 /);
    expect(stream.closedAfterMs).toBeGreaterThan(700);
  });

  it('keeps idle keep-alive connections for the keep-alive timeout only', async () => {
    const port = await start({ httpKeepAliveTimeoutMs: 300 });
    const idle = await exchange(port, ['GET / HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(idle.text).toMatch(/^HTTP\/1\.1 200 /);
    expect(idle.closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(idle.closedAfterMs).toBeLessThan(2_000);
  });
});
