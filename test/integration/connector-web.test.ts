import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDefinition } from '../../src/core/connectors/connector.records.js';
import { localPrincipal } from '../../src/core/identity/identity.records.js';
import { serveLore } from '../fixtures/http-server.js';
import { createTestApp } from '../fixtures/test-app.js';
import { htmlPages, startTestSite, type TestSite } from '../fixtures/web-site.js';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

const page = (title: string, body: string, links: string[] = []) =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>${body}</p>${links
    .map((link) => `<a href="${link}">${link}</a>`)
    .join(' ')}</body></html>`;

describe('web connector (a real local site crawled on a schedule)', () => {
  let site: TestSite;
  let app: TestApp;
  const pages: Record<string, string> = {};

  beforeAll(async () => {
    Object.assign(pages, {
      '/docs/': page('Docs home', 'The orchard handbook starts here.', [
        'guide.html',
        'old.html',
        '/outside.html',
      ]),
      '/docs/guide.html': page('Guide', 'Bananas ripen in the dark storage room.'),
      '/docs/old.html': page('Old page', 'Cherries are picked in June.'),
      '/outside.html': page('Outside', 'Not in the folder of the start page.'),
    });
    site = await startTestSite((request, response) => htmlPages(pages)(request, response));
    app = await createTestApp({ webAllowHosts: '127.0.0.1/32', webCrawlDelayMs: 0 });
  });
  afterAll(async () => {
    await app?.dispose();
    await site?.close();
  });

  const sources = async (definition: ConnectorDefinition) =>
    (await app.store.listDocuments({ collectionId: definition.collectionId }))
      .map((document) => document.source.replace(site.origin, ''))
      .sort();

  it('re-crawls on schedule: unchanged pages cost nothing, changed are updated, removed are deleted', async () => {
    const collection = await app.store.ensureCollection('site');
    const definition = await app.connectorAdmin.create(localPrincipal, {
      kind: 'web',
      web: { url: `${site.origin}/docs/`, depth: 2, maxPages: 20 },
      name: 'orchard-site',
      collectionId: collection.id,
      intervalMinutes: 5,
    });
    const start = Date.now();
    // The scheduler's tick: a connector that never ran is due.
    expect(await app.connectorAdmin.runDue(new Date(start))).toEqual({ ran: 1, failed: 0 });
    const [first] = (await app.connectorAdmin.get(localPrincipal, definition.id)).runs;
    expect(first).toMatchObject({ state: 'done', trigger: 'schedule', seen: 3, added: 3, failed: 0 });
    expect(await sources(definition)).toEqual(['/docs/', '/docs/guide.html', '/docs/old.html']);

    // Not due before its interval has passed.
    expect(await app.connectorAdmin.runDue(new Date(start + 60_000))).toEqual({ ran: 0, failed: 0 });

    const unchanged = await app.connectorSync.run(definition, { trigger: 'test' });
    expect(unchanged).toMatchObject({
      state: 'done',
      seen: 3,
      unchanged: 3,
      added: 0,
      updated: 0,
      removed: 0,
    });

    pages['/docs/guide.html'] = page('Guide', 'Blueberries ripen in the cold storage room.');
    delete pages['/docs/old.html'];
    expect(await app.connectorAdmin.runDue(new Date(start + 6 * 60_000))).toEqual({ ran: 1, failed: 0 });
    const [second] = (await app.connectorAdmin.get(localPrincipal, definition.id)).runs;
    expect(second).toMatchObject({
      state: 'done',
      trigger: 'schedule',
      updated: 1,
      unchanged: 1,
      removed: 1,
    });
    expect(await sources(definition)).toEqual(['/docs/', '/docs/guide.html']);
    const search = (query: string) =>
      app.search.search({ query, filter: { collectionIds: [definition.collectionId] } });
    expect((await search('bananas')).hits).toEqual([]);
    expect((await search('blueberries')).hits.length).toBeGreaterThan(0);
  });

  it('refuses a non-http URL and a too deep crawl with invalid_request', async () => {
    const collection = await app.store.ensureCollection('site');
    const create = (web: { url: string; depth: number; maxPages: number }) =>
      app.connectorAdmin.create(localPrincipal, {
        kind: 'web',
        web,
        name: `w-${web.depth}`,
        collectionId: collection.id,
      });
    await expect(create({ url: 'ftp://example.com/', depth: 0, maxPages: 1 })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('only http:// and https://'),
    });
    await expect(create({ url: `${site.origin}/`, depth: 9, maxPages: 1 })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('a run against an address the SSRF policy refuses fails with forbidden, nothing removed', async () => {
    const collection = await app.store.ensureCollection('refused');
    const definition = await app.connectorAdmin.create(localPrincipal, {
      kind: 'web',
      web: { url: 'http://127.0.0.2:9/', depth: 0, maxPages: 1 },
      name: 'refused',
      collectionId: collection.id,
    });
    const run = await app.connectorSync.run(definition, { trigger: 'test' });
    expect(run?.state).toBe('failed');
    expect(run?.error).toMatch(/forbidden/);
  });
});

describe('web connector conditional re-crawls and cancel (real local site)', () => {
  let app: TestApp;
  const sites: TestSite[] = [];
  beforeAll(async () => {
    app = await createTestApp({ webAllowHosts: '127.0.0.1/32', webCrawlDelayMs: 0 });
  });
  afterAll(async () => {
    await app?.dispose();
    for (const site of sites) await site.close();
  });

  it('sends the stored ETag / Last-Modified; a 304 counts as unchanged and the crawl follows the kept links', async () => {
    const pages: Record<string, string> = {
      '/kb/': page('KB', 'Start here.', ['a.html', 'b.html']),
      '/kb/a.html': page('A', 'Apricots are dried in August.'),
    };
    const stamp = 'Tue, 01 Dec 2026 10:00:00 GMT';
    let bodyReads = 0;
    const etagged = htmlPages(pages);
    const site = await startTestSite((request, response) => {
      // b.html has no ETag, only Last-Modified (and answers 304 to If-Modified-Since).
      if (request.url === '/kb/b.html') {
        if (request.headers['if-modified-since'] === stamp) {
          response.writeHead(304, { 'last-modified': stamp }).end();
          return;
        }
        bodyReads++;
        response
          .writeHead(200, { 'content-type': 'text/html', 'last-modified': stamp })
          .end(page('B', 'Bilberries grow on the hill.'));
        return;
      }
      if (request.url?.startsWith('/kb/') && request.headers['if-none-match'] === undefined) bodyReads++;
      etagged(request, response);
    });
    sites.push(site);
    const collection = await app.store.ensureCollection('conditional');
    const definition = await app.connectorAdmin.create(localPrincipal, {
      kind: 'web',
      web: { url: `${site.origin}/kb/`, depth: 1, maxPages: 10 },
      name: 'conditional-site',
      collectionId: collection.id,
    });
    const first = await app.connectorSync.run(definition, { trigger: 'test' });
    expect(first).toMatchObject({ state: 'done', seen: 3, added: 3 });
    expect(bodyReads).toBe(3);
    const firstRequests = site.requests.length;

    const second = await app.connectorSync.run(definition, { trigger: 'schedule' });
    expect(second).toMatchObject({ state: 'done', seen: 3, unchanged: 3, added: 0, updated: 0, removed: 0 });
    const again = site.requests.slice(firstRequests).filter((request) => request.path.startsWith('/kb/'));
    expect(again.map((request) => request.path).sort()).toEqual(['/kb/', '/kb/a.html', '/kb/b.html']);
    for (const request of again) {
      if (request.path === '/kb/b.html') expect(request.ifModifiedSince).toBe(stamp);
      else expect(request.ifNoneMatch).toMatch(/^"/);
    }
    // Every page answered 304: no body was downloaded again.
    expect(bodyReads).toBe(3);

    // A changed page answers 200 to its old ETag and is re-indexed; a document deleted by hand
    // (its page answering 304) is fetched in full and indexed again.
    pages['/kb/a.html'] = page('A', 'Apricots are now dried in September.');
    const documents = await app.store.listDocuments({ collectionId: collection.id });
    const startPage = documents.find((document) => document.source === `${site.origin}/kb/`);
    await app.ingest.remove(startPage?.id ?? '');
    const third = await app.connectorSync.run(definition, { trigger: 'schedule' });
    expect(third).toMatchObject({ state: 'done', seen: 3, updated: 1, added: 1, unchanged: 1, failed: 0 });
    const search = await app.search.search({
      query: 'September apricots',
      filter: { collectionIds: [collection.id] },
    });
    expect(search.hits.length).toBeGreaterThan(0);
  });

  it('cancel stops a slow crawl between pages: the run ends cancelled and nothing is removed', async () => {
    const links = Array.from({ length: 30 }, (_, n) => `p${n}.html`);
    const site = await startTestSite((request, response) => {
      const path = new URL(request.url ?? '/', 'http://site').pathname;
      if (path === '/robots.txt') {
        response.writeHead(404).end();
        return;
      }
      const body =
        path === '/slow/' ? page('Slow', 'The index of slow pages.', links) : page(path, `Page ${path}.`);
      setTimeout(() => response.writeHead(200, { 'content-type': 'text/html' }).end(body), 150);
    });
    sites.push(site);
    const collection = await app.store.ensureCollection('slow');
    const definition = await app.connectorAdmin.create(localPrincipal, {
      kind: 'web',
      web: { url: `${site.origin}/slow/`, depth: 1, maxPages: 100 },
      name: 'slow-site',
      collectionId: collection.id,
    });
    await expect(app.connectorAdmin.cancel(localPrincipal, definition.id)).rejects.toMatchObject({
      code: 'conflict',
    });
    const run = await app.connectorAdmin.runNow(localPrincipal, definition.id, { trigger: 'api' });
    while (site.requests.filter((request) => request.path.startsWith('/slow/p')).length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const marked = await app.connectorAdmin.cancel(localPrincipal, definition.id);
    expect(marked).toMatchObject({ id: run.id, state: 'running', cancelRequestedAt: expect.any(String) });
    let ended = await app.connectors.getRun(run.id);
    for (let attempt = 0; attempt < 200 && ended?.state === 'running'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      ended = await app.connectors.getRun(run.id);
    }
    expect(ended).toMatchObject({
      state: 'cancelled',
      removed: 0,
      error: expect.stringContaining('cancelled'),
    });
    const requested = site.requests.filter((request) => request.path.startsWith('/slow/p')).length;
    expect(requested).toBeLessThan(30);
    await new Promise((resolve) => setTimeout(resolve, 400));
    // No page was requested after the run ended.
    expect(site.requests.filter((request) => request.path.startsWith('/slow/p')).length).toBe(requested);

    // A cancel marked in the record only (as another process of the fleet would) is seen within the poll.
    const next = await app.connectorAdmin.runNow(localPrincipal, definition.id, { trigger: 'api' });
    while (site.requests.filter((request) => request.path.startsWith('/slow/p')).length < requested + 2) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await app.connectors.requestCancel(definition.id, new Date().toISOString());
    let polled = await app.connectors.getRun(next.id);
    for (let attempt = 0; attempt < 200 && polled?.state === 'running'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      polled = await app.connectors.getRun(next.id);
    }
    expect(polled?.state).toBe('cancelled');
  });
});

describe('POST /api/v1/sources/url (real HTTP server, real local site)', () => {
  let site: TestSite;
  let app: TestApp;
  let server: Awaited<ReturnType<typeof serveLore>>;
  let owner = '';
  let stranger = '';
  let collectionId = '';
  const call = (key: string, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    site = await startTestSite(
      htmlPages({
        '/': page('Home', 'The deploy window is Tuesday.', ['faq.html']),
        '/faq.html': page('FAQ', 'Refunds take five working days.'),
      }),
    );
    app = await createTestApp({ userManagement: 'on', webAllowHosts: '127.0.0.1/32', webCrawlDelayMs: 0 });
    server = await serveLore(app);
    const alice = await app.identity.createUser({
      email: 'alice@example.com',
      name: 'alice',
      role: 'member',
    });
    const bob = await app.identity.createUser({ email: 'bob@example.com', name: 'bob', role: 'member' });
    const collection = await app.store.ensureCollection('web');
    await app.accessStore.setCollectionOwner(collection.id, alice.id);
    collectionId = collection.id;
    owner = (await server.kit.apiKeys.create(alice, { name: 't', scopes: ['read', 'write'] })).secret;
    stranger = (await server.kit.apiKeys.create(bob, { name: 't', scopes: ['read', 'write'] })).secret;
  });
  afterAll(async () => {
    await server?.close();
    await app?.dispose();
    await site?.close();
  });

  it('crawls into the collection, returns a run to poll; bad URLs and refused addresses are 400', async () => {
    const body = { url: `${site.origin}/`, collectionId, crawl: { depth: 1, maxPages: 10 } };
    expect((await call(stranger, 'POST', '/api/v1/sources/url', body)).status).toBeOneOf([403, 404]);
    const reply = await call(owner, 'POST', '/api/v1/sources/url', body);
    expect(reply.status).toBe(202);
    const { connector, run } = (await reply.json()) as {
      connector: { id: string; kind: string };
      run: { id: string };
    };
    expect(connector.kind).toBe('web');
    let latest: { id: string; state: string; added: number } | undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      const polled = (await (await call(owner, 'GET', `/api/v1/connectors/${connector.id}`)).json()) as {
        runs: { id: string; state: string; added: number }[];
      };
      latest = polled.runs.find((entry) => entry.id === run.id);
      if (latest?.state !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(latest).toMatchObject({ state: 'done', added: 2 });
    expect((await app.store.listDocuments({ collectionId })).length).toBe(2);

    const badUrl = await call(owner, 'POST', '/api/v1/sources/url', { url: 'not a url', collectionId });
    expect(badUrl.status).toBe(400);
    expect(JSON.stringify(await badUrl.json())).toContain('not a URL');
    const refused = await call(owner, 'POST', '/api/v1/sources/url', {
      url: 'http://169.254.169.254/',
      collectionId,
    });
    expect(refused.status).toBe(400);
    const refusal = (await refused.json()) as { error: { code: string; message: string } };
    expect(refusal.error).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('address refused'),
    });
  });
});
