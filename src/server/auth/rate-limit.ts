import type { MiddlewareHandler } from 'hono';
import { LoreError } from '../../core/errors.js';
import type { AppEnv } from '../http-env.js';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets per key: `perMinute` tokens, refilled continuously, so bursts up to `perMinute` and a
 * sustained `perMinute` per minute. In memory, per process.
 *
 * @example
 * const limiter = new TokenBucketLimiter(600);
 * const wait = limiter.take('user:42'); // 0 when allowed, else ms until a token is available
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string): number {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
      bucket.at = now;
    } else {
      if (this.buckets.size >= this.maxKeys) this.prune(now);
      bucket = { tokens: this.perMinute, at: now };
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.perMs);
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}

export interface RateLimitOptions {
  perMinute: number;
  askPerMinute: number;
  anonymousPerMinute: number;
  /** The client address (for anonymous callers). */
  clientIp: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string;
}

/** Paths that count as questions (the lower `askPerMinute` applies too). */
const askPaths = [
  /^\/api\/v1\/ask$/,
  /^\/v1\/chat\/completions$/,
  /^\/api\/v1\/conversations\/[^/]+\/messages$/,
];
/** Only the API is limited; the page, probes and metrics are not. */
const limitedPaths = /^\/(api\/|v1\/|mcp(\/|$))/;

/**
 * Per-caller limits after authentication: by API key, else by user, else (anonymous) by address;
 * the local user of an install without user management is not limited. A 429 carries Retry-After.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const general = new TokenBucketLimiter(options.perMinute);
  const ask = new TokenBucketLimiter(options.askPerMinute);
  const anonymous = new TokenBucketLimiter(options.anonymousPerMinute);
  return async (c, next) => {
    if (!limitedPaths.test(c.req.path) || c.req.method === 'OPTIONS') return next();
    const principal = c.get('principal');
    if (principal?.kind === 'local') return next();
    let wait: number;
    if (!principal) {
      wait = anonymous.take(`ip:${options.clientIp(c)}`);
    } else {
      const key = principal.credentialId ? `key:${principal.credentialId}` : `user:${principal.userId}`;
      wait = general.take(key);
      if (wait === 0 && c.req.method === 'POST' && askPaths.some((path) => path.test(c.req.path))) {
        wait = ask.take(key);
      }
      if (wait === 0 && c.req.method === 'GET' && c.req.path === '/api/v1/ask') wait = ask.take(key);
    }
    if (wait > 0) {
      throw new LoreError('rate_limited', 'too many requests; slow down', {
        details: { retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) },
      });
    }
    return next();
  };
}
