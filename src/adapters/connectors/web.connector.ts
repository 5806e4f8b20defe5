import { createHash } from 'node:crypto';
import type { WebConnectorSettings } from '../../core/connectors/connector.records.js';
import { LoreError, toLoreError } from '../../core/errors.js';
import type { Connector, ConnectorItem, ConnectorPage } from '../../ports/connector.port.js';
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

/**
 * A site as a connector: every run crawls from the start URL (breadth-first, within depth and
 * maxPages, robots.txt and a crawl delay honoured) inside the start URL's folder, which is the
 * documents' source prefix. Items are keyed by the URL after that folder and versioned by the
 * SHA-256 of their bytes, so an unchanged page is not parsed again, a changed one is re-indexed
 * and a page no longer reached (404, unlinked) is removed by the sync. A page that fails to fetch
 * is listed as failed, so its document is kept until it is really gone.
 */
export class WebConnector implements Connector {
  readonly kind = 'web';
  readonly sourcePrefix: string;
  private readonly start: URL;
  private readonly fetched = new Map<string, Uint8Array | LoreError>();

  constructor(private readonly options: WebConnectorOptions) {
    this.start = new URL(options.settings.url);
    this.start.hash = '';
    this.sourcePrefix = scopeOf(this.start);
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
      const page = await this.fetchPage(next.url, signal);
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

  async read(item: ConnectorItem): Promise<Uint8Array> {
    const bytes = this.fetched.get(item.key);
    if (bytes instanceof LoreError) throw bytes;
    if (!bytes)
      throw new LoreError('connector_failed', `${this.sourcePrefix}${item.key}: not fetched in this run`);
    return bytes;
  }

  /** One page as an item (undefined when gone or outside the scope after a redirect). */
  private async fetchPage(
    url: string,
    signal?: AbortSignal,
  ): Promise<{ item: ConnectorItem; links: string[] } | undefined> {
    const key = url.slice(this.sourcePrefix.length);
    try {
      const result = await this.options.fetcher.fetch({ url, ...(signal ? { signal } : {}) });
      if (result.status !== 'ok') return undefined;
      if (!result.url.startsWith(this.sourcePrefix)) return undefined;
      const finalKey = result.url.slice(this.sourcePrefix.length);
      if (this.fetched.has(finalKey)) return undefined;
      this.fetched.set(finalKey, result.bytes);
      const item: ConnectorItem = {
        key: finalKey,
        version: createHash('sha256').update(result.bytes).digest('hex'),
        name: fileNameFor(result.url, result.contentType),
        size: result.bytes.byteLength,
        mediaType: result.contentType,
      };
      if (!htmlTypes.has(result.contentType)) return { item, links: [] };
      const { links, nofollow } = pageLinks(Buffer.from(result.bytes).toString('utf8'), result.url);
      return { item, links: nofollow ? [] : links };
    } catch (error) {
      const loreError = toLoreError(error, 'provider_error');
      if (loreError.code === 'cancelled') throw loreError;
      // Listed with a version that never matches, so the sync reports it failed and keeps the document.
      this.fetched.set(key, new LoreError(loreError.code, `${url}: ${loreError.message}`));
      return { item: { key, version: `failed:${Date.now()}`, name: key || this.start.hostname }, links: [] };
    }
  }
}

/** The folder of a URL: `https://host/docs/a.html` → `https://host/docs/`. */
export function scopeOf(url: URL): string {
  const folder = url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1) || '/';
  return `${url.origin}${folder}`;
}
