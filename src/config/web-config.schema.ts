import { z } from 'zod';

/*
 * Limits of the web fetcher (web pages and sites as sources): which addresses it may reach, how
 * much it reads, how long it waits, how politely it crawls. Spread into `configSchema` / `envNames`
 * in config.schema.ts; applied by `src/adapters/web/`.
 */

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Splits a comma- or space-separated list, dropping blanks. */
const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(/[\s,]+/)
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean),
  );

export const webConfigShape = {
  webAllowHosts: list.describe(
    'LORE_WEB_ALLOW_HOSTS: hosts (`wiki.corp`, `*.corp`) and CIDRs (`10.0.0.0/8`) the web fetcher may reach although they are private, loopback or link-local (intranet crawling); empty (the default) allows public addresses only. Cloud metadata addresses stay refused',
  ),
  webMaxBytes: integer(1024, 1024 ** 3)
    .default(20 * 1024 * 1024)
    .describe('LORE_WEB_MAX_BYTES: largest response body read from one URL; the download stops past it'),
  webTimeoutMs: integer(100, 600_000)
    .default(30_000)
    .describe('LORE_WEB_TIMEOUT_MS: limit for one fetch, redirects and body included'),
  webConnectTimeoutMs: integer(100, 120_000)
    .default(10_000)
    .describe('LORE_WEB_CONNECT_TIMEOUT_MS: limit for opening the connection to one address'),
  webMaxRedirects: integer(0, 20)
    .default(5)
    .describe('LORE_WEB_MAX_REDIRECTS: most redirects followed for one URL (each hop is checked again)'),
  webCrawlDelayMs: integer(0, 600_000)
    .default(1_000)
    .describe(
      "LORE_WEB_CRAWL_DELAY_MS: pause between two requests to the same host while crawling (robots.txt's Crawl-delay wins when longer)",
    ),
  webMaxCrawlPages: integer(1, 100_000)
    .default(500)
    .describe('LORE_WEB_MAX_CRAWL_PAGES: most pages one crawl may fetch, whatever the request asks'),
  webUserAgent: z
    .string()
    .trim()
    .min(1)
    .default('LoreBot/0.1 (+self-hosted knowledge assistant)')
    .describe('LORE_WEB_USER_AGENT: User-Agent sent by the fetcher and matched against robots.txt'),
};

export const webEnvNames = {
  webAllowHosts: ['LORE_WEB_ALLOW_HOSTS'],
  webMaxBytes: ['LORE_WEB_MAX_BYTES'],
  webTimeoutMs: ['LORE_WEB_TIMEOUT_MS'],
  webConnectTimeoutMs: ['LORE_WEB_CONNECT_TIMEOUT_MS'],
  webMaxRedirects: ['LORE_WEB_MAX_REDIRECTS'],
  webCrawlDelayMs: ['LORE_WEB_CRAWL_DELAY_MS'],
  webMaxCrawlPages: ['LORE_WEB_MAX_CRAWL_PAGES'],
  webUserAgent: ['LORE_WEB_USER_AGENT'],
};
