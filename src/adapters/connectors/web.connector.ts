import { createHash } from 'node:crypto';
import type { WebConnectorSettings } from '../../core/connectors/connector.records.js';
import { LoreError, toLoreError } from '../../core/errors.js';
import type { Connector, ConnectorItem, ConnectorPage, KnownItem } from '../../ports/connector.port.js';
import type { WebFetcher } from '../../ports/web-fetcher.port.js';
import { pageLinks } from '../web/page-links.js';
import { type RobotsRules, readRobots } from '../web/robots-rules.js';
import { fileNameFor, sleep } from '../web/site-crawler.js';

export interface WebConnectorOptions {
  settings: WebConnectorSettings;
  fetcher: WebFetcher;
  userAgent: string;
  /** Pause between two requests (robots.txt's Crawl-delay wins when longer). */
  crawlDelayMs: number;
  /** Ceiling on maxPages (LORE_WEB_MAX_CRAWL_PAGES). */
  maxCrawlPages: number;
}

const htmlTypes = new Set(['text/html', 'application/xhtml+xml']);
/** Largest memo kept per page; a page with more links than fit is fetched in full next time. */
const maxMemoChars = 64 * 1024;

/** What a page's item keeps between runs (JSON in `memo`). */
interface PageMemo {
  etag?: string;
  lastModified?: string;
  contentType?: string;
  /** Links in scope (absent when the page is not HTML or has too many to keep). */
  links?: string[];
}

/**
 * A site as a connector: every run crawls from the start URL (breadth-first, within depth and
 * maxPages, robots.txt and a crawl delay honoured) inside the start URL's folder, which is the
 * documents' source prefix. Items are keyed by the URL after that folder and versioned by the
 * SHA-256 of their bytes, so an unchanged page is not parsed again, a changed one is re-indexed
 * and a page no longer reached (404, unlinked) is removed by the sync. A page that fails to fetch
 * is listed as failed, so its document is kept until it is really gone.
 *
 * A page fetched before is asked for conditionally (If-None-Match / If-Modified-Since with the
 * ETag / Last-Modified kept in its item's memo); a 304 lists it with its known version, so the sync
 * counts it unchanged without downloading or parsing it, and the crawl follows the links kept in
 * the memo.
 */
export class WebConnector implements Connector {
  readonly kind = 'web';
  readonly sourcePrefix: string;
  private readonly start: URL;
  private readonly fetched = new Map<string, Uint8Array | LoreError>();
  /** Keys listed in this run (a page reached twice through redirects is listed once). */
  private readonly listed = new Set<string>();
  private known: ReadonlyMap<string, KnownItem> = new Map();

  constructor(private readonly options: WebConnectorOptions) {
    this.start = new URL(options.settings.url);
    this.start.hash = '';
    this.sourcePrefix = scopeOf(this.start);
  }

  recall(known: ReadonlyMap<string, KnownItem>): void {
    this.known = known;
  }

  async list(_cursor?: string, signal?: AbortSignal): Promise<ConnectorPage> {
    const { depth, maxPages } = this.options.settings;
    const limit = Math.min(Math.max(1, maxPages), this.options.maxCrawlPages);
    const robots: RobotsRules = await readRobots(
      this.options.fetcher,
      this.start.origin,
      this.options.userAgent,
    );
    if (robots.unreachable) throw robots.unreachable;
    const delayMs = Math.max(this.options.crawlDelayMs, robots.crawlDelayMs ?? 0);
    const queue = [{ url: this.start.href, depth: 0 }];
    const queued = new Set([this.start.href]);
    const items: ConnectorItem[] = [];
    let last = Date.now();
    while (queue.length > 0 && items.length < limit) {
      signal?.throwIfAborted();
      const next = queue.shift() as { url: string; depth: number };
      if (!robots.allowed(next.url)) continue;
      const wait = last + delayMs - Date.now();
      if (items.length > 0 && wait > 0) await sleep(wait, signal);
      const page = await this.fetchPage(next.url, next.depth < depth, signal);
      last = Date.now();
      if (!page) continue;
      const failure = this.fetched.get(page.item.key);
      // The start page failing (refused address, site down) fails the run: nothing is removed.
      if (items.length === 0 && failure instanceof LoreError) throw failure;
      items.push(page.item);
      if (next.depth >= depth) continue;
      for (const link of page.links) {
        if (queued.has(link) || !link.startsWith(this.sourcePrefix)) continue;
        queued.add(link);
        queue.push({ url: link, depth: next.depth + 1 });
      }
    }
    return { items };
  }

  async read(item: ConnectorItem, signal?: AbortSignal): Promise<Uint8Array> {
    const bytes = this.fetched.get(item.key);
    if (bytes instanceof LoreError) throw bytes;
    if (bytes) return bytes;
    // Answered 304 but its document is gone (deleted by hand): fetch it in full.
    const url = this.sourcePrefix + item.key;
    const result = await this.options.fetcher.fetch({ url, ...(signal ? { signal } : {}) });
    if (result.status !== 'ok') throw new LoreError('connector_failed', `${url}: no longer served`);
    return result.bytes;
  }

  /** One page as an item (undefined when gone or outside the scope after a redirect). */
  private async fetchPage(
    url: string,
    needLinks: boolean,
    signal?: AbortSignal,
  ): Promise<{ item: ConnectorItem; links: string[] } | undefined> {
    const key = url.slice(this.sourcePrefix.length);
    const known = this.known.get(key);
    const memo = parseMemo(known?.memo);
    // Conditional only when a 304 leaves nothing missing: the links, if the crawl goes on from here.
    const conditional = known && memo && (!needLinks || memo.links || !isHtml(memo.contentType));
    try {
      const result = await this.options.fetcher.fetch({
        url,
        ...(conditional && memo.etag ? { etag: memo.etag } : {}),
        ...(conditional && memo.lastModified ? { lastModified: memo.lastModified } : {}),
        ...(signal ? { signal } : {}),
      });
      if (result.status === 'gone') return undefined;
      if (!result.url.startsWith(this.sourcePrefix)) return undefined;
      const finalKey = result.url.slice(this.sourcePrefix.length);
      if (this.listed.has(finalKey)) return undefined;
      if (result.status === 'not-modified') {
        const previous = this.known.get(finalKey);
        if (!previous) return undefined;
        this.listed.add(finalKey);
        const kept = parseMemo(previous.memo);
        return {
          item: {
            key: finalKey,
            version: previous.version,
            name: fileNameFor(result.url, kept?.contentType ?? 'text/html'),
            ...(previous.memo ? { memo: previous.memo } : {}),
          },
          links: kept?.links ?? [],
        };
      }
      this.listed.add(finalKey);
      this.fetched.set(finalKey, result.bytes);
      const links = isHtml(result.contentType) ? this.linksOf(result.bytes, result.url) : [];
      const item: ConnectorItem = {
        key: finalKey,
        version: createHash('sha256').update(result.bytes).digest('hex'),
        name: fileNameFor(result.url, result.contentType),
        size: result.bytes.byteLength,
        mediaType: result.contentType,
      };
      const itemMemo = memoOf({
        ...(result.etag ? { etag: result.etag } : {}),
        ...(result.lastModified ? { lastModified: result.lastModified } : {}),
        contentType: result.contentType,
        ...(isHtml(result.contentType) ? { links } : {}),
      });
      if (itemMemo) item.memo = itemMemo;
      return { item, links };
    } catch (error) {
      const loreError = toLoreError(error, 'provider_error');
      if (loreError.code === 'cancelled' || signal?.aborted) throw loreError;
      // Listed with a version that never matches, so the sync reports it failed and keeps the document.
      this.listed.add(key);
      this.fetched.set(key, new LoreError(loreError.code, `${url}: ${loreError.message}`));
      return { item: { key, version: `failed:${Date.now()}`, name: key || this.start.hostname }, links: [] };
    }
  }

  /** The followed links of an HTML page inside this connector's scope (none with nofollow). */
  private linksOf(bytes: Uint8Array, url: string): string[] {
    const { links, nofollow } = pageLinks(Buffer.from(bytes).toString('utf8'), url);
    if (nofollow) return [];
    return [...new Set(links.filter((link) => link.startsWith(this.sourcePrefix)))];
  }
}

function isHtml(contentType: string | undefined): boolean {
  return contentType !== undefined && htmlTypes.has(contentType);
}

/** The memo's JSON; without links when they do not fit (the page is then fetched in full). */
function memoOf(memo: PageMemo): string | undefined {
  if (!memo.etag && !memo.lastModified) return undefined;
  const text = JSON.stringify(memo);
  if (text.length <= maxMemoChars) return text;
  const { links: _dropped, ...rest } = memo;
  return JSON.stringify(rest);
}

function parseMemo(text: string | undefined): PageMemo | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as PageMemo;
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The folder of a URL: `https://host/docs/a.html` → `https://host/docs/`. */
export function scopeOf(url: URL): string {
  const folder = url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1) || '/';
  return `${url.origin}${folder}`;
}
