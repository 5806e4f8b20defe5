import type { Context } from 'hono';
import { LoreError } from '../../core/errors.js';

export interface OriginPolicy {
  /** LORE_CORS_ORIGINS: other origins whose pages may call the API. */
  allowedOrigins: readonly string[];
  /** LORE_TRUST_PROXY: the proxy's X-Forwarded-Host names the host the browser used. */
  trustProxy: boolean;
}

/**
 * Refuses a state-changing browser request sent by a page of another origin (defence in depth beside
 * the CSRF token; the login form's only defence). Allowed: no `Origin` header (not a browser, or a
 * same-origin GET-like navigation), `Sec-Fetch-Site: same-origin` (set by the browser, so right
 * even behind a proxy that rewrites `Host`), an `Origin` naming this host, or one of LORE_CORS_ORIGINS.
 *
 * @example refuseCrossOrigin(c, { allowedOrigins: config.corsOrigins, trustProxy: config.trustProxy });
 */
export function refuseCrossOrigin(c: Context, policy: OriginPolicy): void {
  const origin = c.req.header('origin');
  if (origin === undefined) return;
  const fetchSite = c.req.header('sec-fetch-site')?.toLowerCase();
  if (fetchSite === 'same-origin') return;
  const normalized = origin.replace(/\/$/, '');
  if (policy.allowedOrigins.some((allowed) => allowed.replace(/\/$/, '') === normalized)) return;
  const hosts = [c.req.header('host')];
  if (policy.trustProxy) hosts.push(c.req.header('x-forwarded-host')?.split(',').at(-1)?.trim());
  let originHost: string | undefined;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = undefined; // "null" (sandboxed frames, file: pages) or garbage: never same-origin
  }
  if (originHost && hosts.some((host) => host?.toLowerCase() === originHost.toLowerCase())) return;
  throw new LoreError(
    'forbidden',
    `cross-origin request from ${origin.slice(0, 200)} refused (add the origin to LORE_CORS_ORIGINS to allow it)`,
  );
}
