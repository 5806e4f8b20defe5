import { SafeWebFetcher } from '../adapters/web/safe-web-fetcher.js';
import { SiteCrawler } from '../adapters/web/site-crawler.js';
import type { LoreConfig } from '../config/config.schema.js';
import type { IngestService } from '../core/ingest/ingest.service.js';
import type { Store } from '../ports/store.port.js';

/** The SSRF-safe web fetcher from the `LORE_WEB_*` settings. */
export function webFetcher(config: LoreConfig): SafeWebFetcher {
  return new SafeWebFetcher({
    allowHosts: config.webAllowHosts,
    maxBytes: Math.min(config.webMaxBytes, config.maxFileBytes),
    timeoutMs: config.webTimeoutMs,
    connectTimeoutMs: config.webConnectTimeoutMs,
    maxRedirects: config.webMaxRedirects,
    userAgent: config.webUserAgent,
  });
}

/** The web fetcher and site crawler from the `LORE_WEB_*` settings. */
export function wireWebSources(config: LoreConfig, ingest: IngestService, store: Store): SiteCrawler {
  const fetcher = webFetcher(config);
  return new SiteCrawler(
    { fetcher, ingest, store },
    {
      userAgent: config.webUserAgent,
      crawlDelayMs: config.webCrawlDelayMs,
      maxCrawlPages: config.webMaxCrawlPages,
    },
  );
}
