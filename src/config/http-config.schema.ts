import { z } from 'zod';

/*
 * Limits of the HTTP server against bad or hostile clients: header and URL sizes, JSON bodies, and
 * the timeouts that close slow connections (slowloris). Spread into `configSchema` / `envNames` in
 * config.schema.ts; applied by `src/server/http-server.ts` and the request middleware.
 */

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const httpConfigShape = {
  httpMaxHeaderBytes: integer(1024, 1024 * 1024)
    .default(16 * 1024)
    .describe(
      'LORE_HTTP_MAX_HEADER_BYTES: largest request head (request line and headers together); larger ones get 431 (414 when the URL alone is too long)',
    ),
  httpMaxHeaders: integer(10, 1000)
    .default(100)
    .describe('LORE_HTTP_MAX_HEADERS: most header lines in one request; more get 431'),
  httpMaxUrlBytes: integer(256, 1024 * 1024)
    .default(8 * 1024)
    .describe('LORE_HTTP_MAX_URL_BYTES: longest request URL (path and query); longer ones get 414'),
  httpMaxJsonBytes: integer(1024, 256 * 1024 * 1024)
    .default(2 * 1024 * 1024)
    .describe(
      'LORE_HTTP_MAX_JSON_BYTES: largest JSON request body (REST, /v1/chat/completions, /mcp); larger ones get 413',
    ),
  httpMaxJsonDepth: integer(2, 1000)
    .default(32)
    .describe('LORE_HTTP_MAX_JSON_DEPTH: deepest nesting of objects and arrays in a JSON request body'),
  httpHeadersTimeoutMs: integer(100, 600_000)
    .default(10_000)
    .describe(
      'LORE_HTTP_HEADERS_TIMEOUT_MS: time a client has to send the request line and headers; a slower connection is answered 408 and closed',
    ),
  httpRequestTimeoutMs: integer(100, 24 * 3_600_000)
    .default(300_000)
    .describe(
      'LORE_HTTP_REQUEST_TIMEOUT_MS: time a client has to send the whole request, body included (uploads too); responses (SSE streams) are not limited by it',
    ),
  httpKeepAliveTimeoutMs: integer(100, 3_600_000)
    .default(5_000)
    .describe(
      'LORE_HTTP_KEEP_ALIVE_TIMEOUT_MS: how long an idle keep-alive connection stays open; behind a load balancer set it above the balancer’s idle timeout',
    ),
};

export const httpEnvNames: Record<keyof typeof httpConfigShape, string[]> = {
  httpMaxHeaderBytes: ['LORE_HTTP_MAX_HEADER_BYTES'],
  httpMaxHeaders: ['LORE_HTTP_MAX_HEADERS'],
  httpMaxUrlBytes: ['LORE_HTTP_MAX_URL_BYTES'],
  httpMaxJsonBytes: ['LORE_HTTP_MAX_JSON_BYTES'],
  httpMaxJsonDepth: ['LORE_HTTP_MAX_JSON_DEPTH'],
  httpHeadersTimeoutMs: ['LORE_HTTP_HEADERS_TIMEOUT_MS'],
  httpRequestTimeoutMs: ['LORE_HTTP_REQUEST_TIMEOUT_MS'],
  httpKeepAliveTimeoutMs: ['LORE_HTTP_KEEP_ALIVE_TIMEOUT_MS'],
};

/** The HTTP limits, as `configSchema` parses them. */
export type HttpLimits = z.infer<z.ZodObject<typeof httpConfigShape>>;

/** The defaults of every HTTP limit (a server started without a Lore config, e.g. in tests). */
export function defaultHttpLimits(): HttpLimits {
  return z.object(httpConfigShape).parse({});
}

/** Problems between HTTP settings (listed with the other config problems). */
export function httpConfigProblems(config: HttpLimits): string[] {
  const problems: string[] = [];
  if (config.httpHeadersTimeoutMs > config.httpRequestTimeoutMs) {
    problems.push('LORE_HTTP_HEADERS_TIMEOUT_MS must not be larger than LORE_HTTP_REQUEST_TIMEOUT_MS');
  }
  if (config.httpMaxUrlBytes >= config.httpMaxHeaderBytes) {
    problems.push(
      'LORE_HTTP_MAX_URL_BYTES must be smaller than LORE_HTTP_MAX_HEADER_BYTES (the URL is part of the head)',
    );
  }
  return problems;
}
