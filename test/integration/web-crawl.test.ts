import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../fixtures/test-app.js';
import { htmlPages, type SiteHandler, startTestSite, type TestSite } from '../fixtures/web-site.js';

/*
 * Crawling a real local site into a real Lore app (SQLite, the sandboxed HTML parser, BM25): pages
 * become documents whose source is their URL, robots.txt and the crawl delay are honoured, unchanged
 * pages cost no re-indexing, changed ones are re-indexed and gone ones removed.
 */

const page = (title: string, body: string, links: string[] = []) =>
  `<!doctype html><html><head><title>${title}</title></head><body><nav><a href="/">Home</a></nav><main><h1>${title}</h1><p>${body}</p>${links
    .map((href) => `<a href="${href}">${href}</a>`)
    .join(' ')}</main></body></html>`;

const sites: TestSite[] = [];
let dispose: (() => Promise<void>) | undefined;

afterEach(async () => {
  await dispose?.();
  dispose = undefined;
  for (const site of sites.splice(0)) await site.close();
});

async function setUp(handler: SiteHandler, overrides: Record<string, unknown> = {}) {
  const site = await startTestSite(handler);
  sites.push(site);
  const app = await createTestApp({ webAllowHosts: '127.0.0.1/32', webCrawlDelayMs: 0, ...overrides });
  dispose = () => app.dispose();
  return { site, app };
}

function withRobots(robots: string | undefined, pages: SiteHandler): SiteHandler {
  return (request, response) => {
    if (request.url === '/robots.txt' && robots !== undefined) {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(robots);
      return;
    }
    pages(request, response);
  };
}

describe('lore crawling a site', () => {
  it('fetches one page as a document whose source is its URL, searchable', async () => {
    const { site, app } = await setUp(
      htmlPages({ '/': page('Welcome', 'The zeppelin hangar opens at nine.', ['/a']) }),
    );
    const report = await app.crawler.crawl({ url: `${site.origin}/`, collection: 'web' });
    expect(report.pages.map((p) => [p.url, p.status])).toEqual([[`${site.origin}/`, 'added']]);
    const [hit] = (await app.search.search({ query: 'zeppelin hangar' })).hits;
    expect(hit?.document.source).toBe(`${site.origin}/`);
    expect(hit?.document.title).toBe('Welcome');
  });

  it('follows links within depth, page and host limits, and honours robots.txt', async () => {
    const other = await startTestSite(htmlPages({ '/': page('Elsewhere', 'other host') }), '127.0.0.1');
    sites.push(other);
    const { site, app } = await setUp(
      withRobots(
        'User-agent: *\nDisallow: /private\n',
        htmlPages({
          '/': page('Home', 'start page', [
            '/a',
            '/private/x',
            `${other.origin}/`,
            'mailto:x@y.z',
            '/a#frag',
          ]),
          '/a': page('A', 'page a', ['/b']),
          '/b': page('B', 'page b', ['/c']),
          '/c': page('C', 'page c'),
          '/private/x': page('Private', 'must not be fetched'),
        }),
      ),
    );
    const report = await app.crawler.crawl({
      url: `${site.origin}/`,
      collection: 'web',
      crawl: { depth: 2, maxPages: 10 },
    });
    const statuses = Object.fromEntries(report.pages.map((p) => [new URL(p.url).pathname, p.status]));
    expect(statuses).toEqual({ '/': 'added', '/a': 'added', '/private/x': 'disallowed', '/b': 'added' });
    expect(site.requests.map((r) => r.path)).not.toContain('/private/x');
    expect(site.requests.map((r) => r.path)).not.toContain('/c');
    expect(other.requests).toEqual([]);

    const limited = await app.crawler.crawl({
      url: `${site.origin}/`,
      collection: 'small',
      crawl: { depth: 5, maxPages: 2 },
    });
    expect(limited.pages).toHaveLength(2);
  });

  it('waits the robots.txt Crawl-delay between requests to one host', async () => {
    const { site, app } = await setUp(
      withRobots(
        'User-agent: *\nCrawl-delay: 0.3\n',
        htmlPages({ '/': page('Home', 'x', ['/a']), '/a': page('A', 'y') }),
      ),
    );
    const report = await app.crawler.crawl({
      url: `${site.origin}/`,
      collection: 'web',
      crawl: { depth: 1, maxPages: 5 },
    });
    expect(report.pages.map((p) => p.status)).toEqual(['added', 'added']);
    expect(site.requests.map((r) => r.path)).toEqual(['/robots.txt', '/', '/a']);
    const [robots, home, a] = site.requests.map((r) => r.at) as [number, number, number];
    // Request starts are at least the delay apart (a lower bound on waiting, not a speed figure).
    expect(home - robots).toBeGreaterThanOrEqual(295);
    expect(a - home).toBeGreaterThanOrEqual(295);
  });

  it('a robots.txt that disallows Lore by name stops the crawl at the door', async () => {
    const { site, app } = await setUp(
      withRobots(
        'User-agent: LoreBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n',
        htmlPages({ '/': page('Home', 'x') }),
      ),
    );
    const report = await app.crawler.crawl({ url: `${site.origin}/`, collection: 'web' });
    expect(report.pages.map((p) => p.status)).toEqual(['disallowed']);
    expect(report.pages[0]?.error?.message).toMatch(/robots\.txt disallows/);
    expect(site.requests.map((r) => r.path)).toEqual(['/robots.txt']);
  });

  it('re-crawls: unchanged pages are not re-indexed, changed ones are, gone ones are removed', async () => {
    const pages: Record<string, string> = {
      '/': page('Home', 'index', ['/a', '/b']),
      '/a': page('A', 'the original walrus text'),
      '/b': page('B', 'soon gone'),
    };
    const { site, app } = await setUp(htmlPages(pages));
    const crawl = () =>
      app.crawler.crawl({ url: `${site.origin}/`, collection: 'web', crawl: { depth: 1, maxPages: 10 } });
    const first = await crawl();
    expect(first.pages.map((p) => p.status)).toEqual(['added', 'added', 'added']);
    const again = await crawl();
    expect(again.pages.map((p) => p.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);

    pages['/a'] = page('A', 'a rewritten narwhal text');
    pages['/'] = page('Home', 'index', ['/a']);
    delete pages['/b'];
    const third = await crawl();
    const statuses = Object.fromEntries(third.pages.map((p) => [new URL(p.url).pathname, p.status]));
    expect(statuses).toEqual({ '/': 'updated', '/a': 'updated', '/b': 'removed' });
    const sources = (await app.store.listDocuments()).map((d) => new URL(d.source).pathname).sort();
    expect(sources).toEqual(['/', '/a']);
    expect((await app.search.search({ query: 'narwhal' })).hits).toHaveLength(1);
    expect((await app.search.search({ query: 'walrus' })).hits).toHaveLength(0);
  });

  it('a failing page fails alone; a refused start URL fails with the reason', async () => {
    const { site, app } = await setUp((request, response) => {
      if (request.url === '/broken') response.writeHead(500).end();
      else
        htmlPages({ '/': page('Home', 'x', ['/broken', '/ok']), '/ok': page('OK', 'fine') })(
          request,
          response,
        );
    });
    const report = await app.crawler.crawl({
      url: `${site.origin}/`,
      collection: 'web',
      crawl: { depth: 1, maxPages: 10 },
    });
    const statuses = Object.fromEntries(report.pages.map((p) => [new URL(p.url).pathname, p.status]));
    expect(statuses).toEqual({ '/': 'added', '/broken': 'failed', '/ok': 'added' });
    const broken = report.pages.find((p) => p.url.endsWith('/broken'));
    expect(broken?.error?.message).toMatch(/HTTP 500/);

    // robots.txt answering 503: the site's wishes are unknown, nothing is crawled.
    const down = await startTestSite((_request, response) => response.writeHead(503).end());
    sites.push(down);
    const unavailable = await app.crawler.crawl({ url: `${down.origin}/`, collection: 'web' });
    expect(unavailable.pages[0]?.status).toBe('disallowed');
    expect(unavailable.pages[0]?.error?.message).toMatch(/robots\.txt could not be read/);
    expect(down.requests.map((r) => r.path)).toEqual(['/robots.txt']);

    const closed = await createTestApp({ webCrawlDelayMs: 0 });
    try {
      const refused = await closed.crawler.crawl({ url: `${site.origin}/`, collection: 'web' });
      expect(refused.pages[0]?.status).toBe('failed');
      expect(refused.pages[0]?.error?.code).toBe('forbidden');
      expect(await closed.store.listDocuments()).toEqual([]);
    } finally {
      await closed.dispose();
    }
  });
});
