import robotsParserModule from 'robots-parser';
import { LoreError, toLoreError } from '../../core/errors.js';
import type { WebFetcher } from '../../ports/web-fetcher.port.js';

/** What robots.txt says about one origin, for one user agent. */
export interface RobotsRules {
  allowed(url: string): boolean;
  /** Crawl-delay in milliseconds, when the file states one. */
  crawlDelayMs?: number;
  /** Why the file could not be read (everything is then disallowed). */
  unreachable?: LoreError;
}

// robots-parser is CommonJS (`module.exports = fn`) typed as an ES default export: under NodeNext
// TypeScript sees the namespace, Node hands over the function itself.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

const allowAll: RobotsRules = { allowed: () => true };

/**
 * Reads `origin/robots.txt` through the safe fetcher. A missing file (404/410) allows everything,
 * as does any other 4xx, as the standard says; a file that cannot be read (5xx, network) disallows the origin for this
 * crawl, since the site's wishes are unknown (RFC 9309, section 2.3.1.4).
 */
export async function readRobots(
  fetcher: WebFetcher,
  origin: string,
  userAgent: string,
): Promise<RobotsRules> {
  const robotsUrl = `${origin}/robots.txt`;
  let text: string;
  try {
    const result = await fetcher.fetch({ url: robotsUrl, accept: ['text/plain', 'text/html', ''] });
    if (result.status === 'gone') return allowAll;
    if (result.status !== 'ok') return allowAll;
    text = Buffer.from(result.bytes).toString('utf8');
  } catch (error) {
    const { code, details } = error as { code?: string; details?: { httpStatus?: number } };
    const status = details?.httpStatus ?? 0;
    // Unavailable (4xx) or not a text file: no rules. Unreachable (5xx, network, refused): no crawl.
    // A refused address: the page fetch is refused as well and reports why.
    if (code === 'unsupported_media_type' || code === 'forbidden' || (status >= 400 && status < 500)) {
      return allowAll;
    }
    const reason = toLoreError(error, 'provider_error');
    return {
      allowed: () => false,
      unreachable: new LoreError(
        'provider_error',
        `${robotsUrl} could not be read (${reason.message}); not crawling`,
      ),
    };
  }
  const robots = robotsParser(robotsUrl, text);
  const delay = robots.getCrawlDelay(userAgent);
  return {
    allowed: (url) => robots.isAllowed(url, userAgent) !== false,
    ...(typeof delay === 'number' && delay > 0 ? { crawlDelayMs: Math.min(delay, 60) * 1000 } : {}),
  };
}
