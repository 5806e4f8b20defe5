import { LoreError, toLoreError } from '../../core/errors.js';
import type { IngestOutcome, IngestService } from '../../core/ingest/ingest.service.js';
import type { Store } from '../../ports/store.port.js';
import type { WebFetcher } from '../../ports/web-fetcher.port.js';
import { pageLinks } from './page-links.js';
import { type RobotsRules, readRobots } from './robots-rules.js';
import { parseWebUrl } from './safe-web-fetcher.js';

/** How far a crawl goes from its start URL. depth 0 is the page alone. */
export interface CrawlLimits {
  depth: number;
  maxPages: number;
  /** Follow links to the start URL's host only (the default). */
  sameHost: boolean;
}

export interface CrawlRequest {
  url: string;
  collection: string;
  crawl?: Partial<CrawlLimits>;
  tags?: string[];
  signal?: AbortSignal;
  /** Called after each page (progress). */
  onPage?: (page: CrawlPageOutcome) => void;
}

/** What happened to one URL. */
export interface CrawlPageOutcome {
  url: string;
  status: IngestOutcome['status'] | 'removed' | 'disallowed';
  documentId?: string;
  error?: LoreError;
}

export interface CrawlReport {
  url: string;
  pages: CrawlPageOutcome[];
}

export interface SiteCrawlerOptions {
  userAgent: string;
  /** Pause between two requests to one host (robots.txt's Crawl-delay wins when longer). */
  crawlDelayMs: number;
  /** Ceiling on maxPages, whatever a request asks. */
  maxCrawlPages: number;
}

const htmlTypes = new Set(['text/html', 'application/xhtml+xml']);

/**
 * Fetches one page or crawls a site into a collection: every page becomes a document whose source
 * is its URL (unchanged content costs no parsing), robots.txt and a crawl delay are honoured, links
 * are followed breadth-first within the depth, page and host limits, and pages of an earlier crawl
 * that now answer 404/410 are removed.
 */
export class SiteCrawler {
  constructor(
    private readonly deps: { fetcher: WebFetcher; ingest: IngestService; store: Store },
    private readonly options: SiteCrawlerOptions,
  ) {}

  /** Crawls from `request.url`; each page fails alone, the report lists every URL visited. */
  async crawl(request: CrawlRequest): Promise<CrawlReport> {
    const start = parseWebUrl(request.url);
    const limits: CrawlLimits = {
      depth: Math.max(0, request.crawl?.depth ?? 0),
      maxPages: Math.min(Math.max(1, request.crawl?.maxPages ?? 1), this.options.maxCrawlPages),
      sameHost: request.crawl?.sameHost ?? true,
    };
    const queue: { url: string; depth: number }[] = [{ url: start.href, depth: 0 }];
    // Pages this collection already holds from the crawl's scope are visited again, so that a page
    // no longer linked but gone is removed, and a changed one re-indexed.
    if (limits.depth > 0) {
      for (const url of await this.knownPages(request.collection, start, limits)) {
        queue.push({ url, depth: limits.depth });
      }
    }
    const seen = new Set(queue.map((entry) => entry.url));
    const robots = new Map<string, RobotsRules>();
    const lastRequest = new Map<string, number>();
    const pages: CrawlPageOutcome[] = [];
    while (queue.length > 0 && pages.length < limits.maxPages) {
      request.signal?.throwIfAborted();
      const { url, depth } = queue.shift() as { url: string; depth: number };
      const { origin, host } = new URL(url);
      let rules = robots.get(origin);
      if (!rules) {
        await this.pause(host, lastRequest, this.options.crawlDelayMs, request.signal);
        rules = await readRobots(this.deps.fetcher, origin, this.options.userAgent);
        lastRequest.set(host, Date.now());
        robots.set(origin, rules);
      }
      if (!rules.allowed(url)) {
        const error =
          rules.unreachable ??
          new LoreError('forbidden', `${url}: robots.txt disallows it for ${this.options.userAgent}`);
        this.record(pages, { url, status: 'disallowed', error }, request);
        continue;
      }
      await this.pause(
        host,
        lastRequest,
        Math.max(this.options.crawlDelayMs, rules.crawlDelayMs ?? 0),
        request.signal,
      );
      const { outcome, links } = await this.page(url, request);
      lastRequest.set(host, Date.now());
      this.record(pages, outcome, request);
      if (depth >= limits.depth) continue;
      for (const link of links) {
        if (seen.has(link) || (limits.sameHost && new URL(link).host !== start.host)) continue;
        seen.add(link);
        queue.push({ url: link, depth: depth + 1 });
      }
    }
    return { url: start.href, pages };
  }

  private async page(
    url: string,
    request: CrawlRequest,
  ): Promise<{ outcome: CrawlPageOutcome; links: string[] }> {
    try {
      const result = await this.deps.fetcher.fetch({
        url,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      if (result.status === 'gone')
        return { outcome: await this.removeGone(url, request.collection), links: [] };
      if (result.status === 'not-modified') return { outcome: { url, status: 'unchanged' }, links: [] };
      const ingested = await this.deps.ingest.ingest({
        bytes: result.bytes,
        fileName: fileNameFor(result.url, result.contentType),
        source: result.url,
        collection: request.collection,
        ...(request.tags?.length ? { tags: request.tags } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const outcome: CrawlPageOutcome = {
        url: result.url,
        status: ingested.status,
        ...(ingested.document ? { documentId: ingested.document.id } : {}),
        ...(ingested.error ? { error: ingested.error } : {}),
      };
      const html = htmlTypes.has(result.contentType) && ingested.status !== 'failed';
      if (!html) return { outcome, links: [] };
      const { links, nofollow } = pageLinks(Buffer.from(result.bytes).toString('utf8'), result.url);
      return { outcome, links: nofollow ? [] : links };
    } catch (error) {
      const loreError = toLoreError(error, 'provider_error');
      if (loreError.code === 'storage_unavailable' || loreError.code === 'cancelled') throw loreError;
      return { outcome: { url, status: 'failed', error: loreError }, links: [] };
    }
  }

  private async removeGone(url: string, collectionName: string): Promise<CrawlPageOutcome> {
    const collection = await this.deps.store.getCollectionByName(collectionName);
    const existing = collection ? await this.deps.store.findDocumentBySource(collection.id, url) : undefined;
    if (!existing) {
      return {
        url,
        status: 'failed',
        error: new LoreError('not_found', `${url}: the page does not exist (404/410)`),
      };
    }
    await this.deps.ingest.remove(existing.id);
    return { url, status: 'removed', documentId: existing.id };
  }

  private async knownPages(collectionName: string, start: URL, limits: CrawlLimits): Promise<string[]> {
    const collection = await this.deps.store.getCollectionByName(collectionName);
    if (!collection) return [];
    const documents = await this.deps.store.listDocuments({ collectionId: collection.id });
    return documents
      .map((document) => document.source)
      .filter((source) => source.startsWith('http://') || source.startsWith('https://'))
      .filter((source) => source !== start.href && (!limits.sameHost || new URL(source).host === start.host));
  }

  /** Waits until `delayMs` after the previous request to `host` ended (so a slow server gets more room). */
  private async pause(
    host: string,
    last: Map<string, number>,
    delayMs: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const previous = last.get(host);
    const wait = previous === undefined ? 0 : previous + delayMs - Date.now();
    if (wait > 0) await sleep(wait, signal);
    last.set(host, Date.now());
  }

  private record(pages: CrawlPageOutcome[], outcome: CrawlPageOutcome, request: CrawlRequest): void {
    pages.push(outcome);
    request.onPage?.(outcome);
  }
}

/** A file name for the parser: the URL's last segment, with an extension matching the content type. */
export function fileNameFor(url: string, contentType: string): string {
  const { pathname, hostname } = new URL(url);
  const last = decodeURIComponent(pathname.split('/').filter(Boolean).at(-1) ?? '') || hostname;
  const extensions: Record<string, string> = {
    'text/html': '.html',
    'application/xhtml+xml': '.html',
    'application/pdf': '.pdf',
    'text/plain': '.txt',
    'text/markdown': '.md',
    'text/csv': '.csv',
  };
  const extension = extensions[contentType];
  if (
    !extension ||
    last.toLowerCase().endsWith(extension) ||
    (extension === '.html' && /\.html?$/i.test(last))
  ) {
    return last;
  }
  return `${last}${extension}`;
}

/** Waits `ms` (a crawl delay); rejects with `cancelled` when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new LoreError('cancelled', 'the crawl was cancelled'));
      },
      { once: true },
    );
  });
}
