import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { LoreError } from '../core/errors.js';
import type { AppEnv } from './http-env.js';
import { requestTarget } from './url-encoding.middleware.js';

export interface RequestLimitsOptions {
  /** Longest request target (path and query) in bytes (LORE_HTTP_MAX_URL_BYTES). */
  maxUrlBytes: number;
  /** Most header lines (LORE_HTTP_MAX_HEADERS). */
  maxHeaders: number;
}

/**
 * Refuses a URL longer than `maxUrlBytes` with 414 and a request with more than `maxHeaders` header
 * lines with 431, in the common error shape. (A request head larger than LORE_HTTP_MAX_HEADER_BYTES
 * never gets here: the Node server answers it, see http-server.ts.)
 *
 * @example http.use(requestLimits({ maxUrlBytes: 8192, maxHeaders: 100 }))
 */
export function requestLimits(options: RequestLimitsOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = incomingOf(c);
    const target = incoming?.url ?? requestTarget(c.req.url);
    const urlBytes = Buffer.byteLength(target);
    if (urlBytes > options.maxUrlBytes) {
      throw new LoreError(
        'uri_too_long',
        `URL: ${urlBytes} bytes is longer than the limit of ${options.maxUrlBytes} (LORE_HTTP_MAX_URL_BYTES)`,
      );
    }
    const headers = incoming ? incoming.rawHeaders.length / 2 : countHeaders(c.req.raw.headers);
    if (headers > options.maxHeaders) {
      throw new LoreError(
        'headers_too_large',
        `headers: more than ${options.maxHeaders} header lines (LORE_HTTP_MAX_HEADERS)`,
      );
    }
    return next();
  };
}

/** The Node request under @hono/node-server (absent under `app.request()` in tests). */
function incomingOf(c: Context<AppEnv>): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming;
}

function countHeaders(headers: Headers): number {
  let count = 0;
  headers.forEach(() => {
    count += 1;
  });
  return count;
}
