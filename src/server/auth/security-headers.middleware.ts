import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../http-env.js';
import { csrfHeaderName } from './session-cookie.js';

const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; " +
  "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/**
 * Security headers on every response: CSP (no framing), X-Frame-Options DENY, nosniff, no referrer,
 * and HSTS when the request came over TLS (directly or through a trusted proxy).
 */
export function securityHeaders(options: {
  isSecure: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => boolean;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Content-Security-Policy', contentSecurityPolicy);
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (options.isSecure(c)) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}

/**
 * CORS for the listed origins only (with credentials); any other origin gets no CORS headers, so
 * browsers keep it out. Nothing listed: same-origin only.
 */
export function corsAllowList(origins: readonly string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set(origins.map((origin) => origin.replace(/\/$/, '')));
  if (allowed.size === 0) return (_c, next) => next();
  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Content-Type', 'Authorization', csrfHeaderName, 'X-Request-Id'],
    exposeHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  }) as MiddlewareHandler<AppEnv>;
}
