import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostResolver, SafeWebFetcher } from '../../src/adapters/web/safe-web-fetcher.js';
import { LoreError } from '../../src/core/errors.js';
import { htmlPages, startTestSite, type TestSite } from '../fixtures/web-site.js';

/*
 * The SSRF-safe fetcher against real HTTP servers on loopback addresses. Reaching them at all needs
 * the allow-list (127.0.0.1 only); 127.0.0.2 plays an internal service that must never be reached.
 */

const limits = {
  maxBytes: 64 * 1024,
  timeoutMs: 3_000,
  connectTimeoutMs: 1_000,
  maxRedirects: 3,
  userAgent: 'LoreTest/1',
};

function fetcher(allowHosts: string[], resolve?: HostResolver): SafeWebFetcher {
  return new SafeWebFetcher({ ...limits, allowHosts, ...(resolve ? { resolve } : {}) });
}

async function failure(promise: Promise<unknown>): Promise<LoreError> {
  try {
    await promise;
  } catch (error) {
    if (LoreError.is(error)) return error;
    throw error;
  }
  throw new Error('expected the fetch to fail');
}

let site: TestSite;
let internal: TestSite;

beforeAll(async () => {
  site = await startTestSite((request, response) => {
    const path = request.url ?? '/';
    if (path === '/to-internal') {
      response.writeHead(302, { location: `${internal.origin}/secret` }).end();
    } else if (path === '/to-metadata') {
      response.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (path === '/to-page') {
      response.writeHead(307, { location: '/page' }).end();
    } else if (path.startsWith('/loop')) {
      response.writeHead(302, { location: `/loop${path.length}` }).end();
    } else if (path === '/huge') {
      response.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const timer = setInterval(() => {
        if (!response.write(chunk)) return;
      }, 1);
      response.on('close', () => clearInterval(timer));
    } else if (path === '/huge-declared') {
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': String(10 * 1024 * 1024) });
      response.write('<p>');
    } else if (path === '/slow') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.write('<p>start');
    } else if (path === '/image') {
      response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(10));
    } else if (path === '/error') {
      response.writeHead(500, { 'content-type': 'text/html' }).end('boom');
    } else if (path === '/gone') {
      response.writeHead(410, { 'content-type': 'text/html' }).end('gone');
    } else {
      htmlPages({
        '/page': '<html><head><title>Page</title></head><body><p>Hello from the site</p></body></html>',
      })(request, response);
    }
  });
  internal = await startTestSite(
    (_request, response) =>
      response.writeHead(200, { 'content-type': 'text/html' }).end('<p>internal secret</p>'),
    '127.0.0.2',
    site.port,
  );
});

afterAll(async () => {
  await site?.close();
  await internal?.close();
});

describe('without the allow-list', () => {
  it('refuses a loopback literal before connecting', async () => {
    const before = site.requests.length;
    const error = await failure(fetcher([]).fetch({ url: `${site.origin}/page` }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/loopback/);
    expect(site.requests.length).toBe(before);
  });

  it('refuses a host name that resolves to loopback, and localhost itself', async () => {
    const resolve: HostResolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const error = await failure(
      fetcher([], resolve).fetch({ url: `http://innocent.example:${site.port}/page` }),
    );
    expect(error.code).toBe('forbidden');
    expect((await failure(fetcher([]).fetch({ url: `http://localhost:${site.port}/page` }))).code).toBe(
      'forbidden',
    );
  });

  it('refuses IPv6 and numeric spellings of loopback and metadata', async () => {
    for (const url of [
      `http://[::1]:${site.port}/`,
      `http://[::ffff:127.0.0.1]:${site.port}/`,
      `http://2130706433:${site.port}/`,
      `http://0x7f.1:${site.port}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://0.0.0.0/',
    ]) {
      expect((await failure(fetcher([]).fetch({ url }))).code, url).toBe('forbidden');
    }
  });

  it('refuses a host when any of its addresses is private', async () => {
    const resolve: HostResolver = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    expect((await failure(fetcher([], resolve).fetch({ url: 'http://mixed.example/' }))).message).toMatch(
      /10\.0\.0\.5/,
    );
  });

  it('refuses other schemes and embedded credentials', async () => {
    expect((await failure(fetcher([]).fetch({ url: 'file:///etc/passwd' }))).code).toBe('invalid_request');
    expect((await failure(fetcher([]).fetch({ url: 'ftp://example.com/' }))).code).toBe('invalid_request');
    expect((await failure(fetcher([]).fetch({ url: 'http://user:pw@example.com/' }))).code).toBe(
      'invalid_request',
    );
  });
});

describe('with 127.0.0.1 allow-listed', () => {
  const allowed = ['127.0.0.1/32'];

  it('fetches a page, then answers not-modified to its ETag, and gone for 404/410', async () => {
    const first = await fetcher(allowed).fetch({ url: `${site.origin}/page#part` });
    expect(first.status).toBe('ok');
    if (first.status !== 'ok') return;
    expect(first.url).toBe(`${site.origin}/page`);
    expect(first.contentType).toBe('text/html');
    expect(Buffer.from(first.bytes).toString()).toContain('Hello from the site');
    expect(first.etag).toBeDefined();
    expect(site.requests.at(-1)?.userAgent).toBe('LoreTest/1');
    const again = await fetcher(allowed).fetch({
      url: `${site.origin}/page`,
      ...(first.etag ? { etag: first.etag } : {}),
    });
    expect(again.status).toBe('not-modified');
    expect(site.requests.at(-1)?.ifNoneMatch).toBe(first.etag);
    expect(await fetcher(allowed).fetch({ url: `${site.origin}/missing` })).toMatchObject({
      status: 'gone',
      httpStatus: 404,
    });
    expect(await fetcher(allowed).fetch({ url: `${site.origin}/gone` })).toMatchObject({
      status: 'gone',
      httpStatus: 410,
    });
  });

  it('follows an allowed redirect and reports the final URL', async () => {
    const result = await fetcher(allowed).fetch({ url: `${site.origin}/to-page` });
    expect(result).toMatchObject({ status: 'ok', url: `${site.origin}/page` });
  });

  it('checks every redirect hop again: internal and metadata targets are refused unreached', async () => {
    const error = await failure(fetcher(allowed).fetch({ url: `${site.origin}/to-internal` }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/127\.0\.0\.2/);
    expect(internal.requests).toEqual([]);
    expect(
      (await failure(fetcher(['169.254.0.0/16', ...allowed]).fetch({ url: `${site.origin}/to-metadata` })))
        .message,
    ).toMatch(/metadata/);
  });

  it('stops after the redirect limit', async () => {
    const error = await failure(fetcher(allowed).fetch({ url: `${site.origin}/loop` }));
    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(/more than 3 redirects/);
  });

  it('aborts a body past the size limit, streamed or declared', async () => {
    expect((await failure(fetcher(allowed).fetch({ url: `${site.origin}/huge` }))).code).toBe(
      'payload_too_large',
    );
    expect((await failure(fetcher(allowed).fetch({ url: `${site.origin}/huge-declared` }))).code).toBe(
      'payload_too_large',
    );
  });

  it('gives up on a response that never ends', async () => {
    const slow = new SafeWebFetcher({ ...limits, timeoutMs: 300, allowHosts: allowed });
    expect((await failure(slow.fetch({ url: `${site.origin}/slow` }))).code).toBe('request_timeout');
  });

  it('refuses content types Lore does not ingest, and reports HTTP errors', async () => {
    expect((await failure(fetcher(allowed).fetch({ url: `${site.origin}/image` }))).code).toBe(
      'unsupported_media_type',
    );
    expect((await failure(fetcher(allowed).fetch({ url: `${site.origin}/error` }))).message).toMatch(
      /HTTP 500/,
    );
  });

  it('times out a connection that cannot be opened', async () => {
    // 192.0.2.0/24 (TEST-NET-1) is never routed; allow-listed so that the connect attempt happens.
    const blackhole = new SafeWebFetcher({ ...limits, connectTimeoutMs: 200, allowHosts: ['192.0.2.0/24'] });
    const error = await failure(blackhole.fetch({ url: 'http://192.0.2.1/' }));
    expect(['request_timeout', 'provider_error']).toContain(error.code);
  });
});

describe('DNS rebinding', () => {
  it('connects to the checked address even when the name later resolves to an internal one', async () => {
    let lookups = 0;
    // First answer: the allowed site; every later answer: the internal service.
    const rebinding: HostResolver = async () => [
      { address: lookups++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 },
    ];
    const result = await fetcher(['127.0.0.1/32'], rebinding).fetch({
      url: `http://rebind.example:${site.port}/page`,
    });
    expect(result.status).toBe('ok');
    if (result.status === 'ok') expect(Buffer.from(result.bytes).toString()).toContain('Hello from the site');
    expect(lookups).toBe(1);
    expect(internal.requests).toEqual([]);
  });

  it('re-resolves on a redirect and refuses when the second answer is internal', async () => {
    let lookups = 0;
    const rebinding: HostResolver = async () => [
      { address: lookups++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 },
    ];
    const error = await failure(
      fetcher(['127.0.0.1/32'], rebinding).fetch({ url: `http://rebind.example:${site.port}/to-page` }),
    );
    expect(error.code).toBe('forbidden');
    expect(lookups).toBe(2);
    expect(internal.requests).toEqual([]);
  });
});
