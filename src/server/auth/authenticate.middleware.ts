import type { Context, MiddlewareHandler } from 'hono';
import { LoreError } from '../../core/errors.js';
import { apiKeyPrefix } from '../../core/identity/api-keys.service.js';
import { localPrincipal, type Principal } from '../../core/identity/identity.records.js';
import { principalForUser } from '../../core/identity/principal.js';
import { safeEqual } from '../../core/identity/secret-token.js';
import type { AppEnv } from '../http-env.js';
import type { AuthKit } from './auth-kit.js';
import { refuseCrossOrigin } from './same-origin.js';
import { clearSessionCookie, csrfHeaderName, sessionTokenOf, setSessionCookie } from './session-cookie.js';

/** API paths reachable without a credential; every other path under /api, /v1 and /mcp needs one. */
export const publicApiPaths = new Set([
  '/api/v1/openapi.json',
  '/api/v1/auth/status',
  '/api/v1/auth/login',
  '/api/v1/auth/logout',
  '/api/v1/auth/setup',
  '/api/v1/auth/oidc/start',
  '/api/v1/auth/oidc/callback',
]);
const protectedPaths = /^\/(api\/|v1\/|mcp(\/|$))/;
/** Cookie-authenticated requests to these need no CSRF header (they do not act as the session's user). */
const csrfExempt = new Set(['/api/v1/auth/login', '/api/v1/auth/setup']);
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sets `c.var.principal`. With user management off every caller is the local user. Otherwise, in
 * order: `Authorization: Bearer lore_…` (API key), `Authorization: Bearer <JWT>` (when an issuer is
 * configured), the `lore_session` cookie. A bad bearer credential is a 401 at once (no fallback to the
 * cookie). Cookie-authenticated state-changing requests must carry `X-CSRF-Token` equal to the
 * session's token. State-changing requests that a browser would send with ambient authority (a
 * cookie, the sign-in form, or anything when user management is off) are refused when a page of
 * another origin sent them. Anonymous callers reach only the public paths of the API.
 */
export function authenticate(kit: AuthKit): MiddlewareHandler<AppEnv> {
  const originPolicy = { allowedOrigins: kit.app.config.corsOrigins, trustProxy: kit.app.config.trustProxy };
  return async (c, next) => {
    const unsafe = !safeMethods.has(c.req.method);
    if (!kit.enabled) {
      if (unsafe) refuseCrossOrigin(c, originPolicy);
      c.set('principal', localPrincipal);
      return next();
    }
    if (unsafe && c.req.header('authorization') === undefined) refuseCrossOrigin(c, originPolicy);
    const principal = (await fromBearer(kit, c)) ?? (await fromSession(kit, c));
    if (principal) c.set('principal', principal);
    else if (
      protectedPaths.test(c.req.path) &&
      !publicApiPaths.has(c.req.path) &&
      c.req.method !== 'OPTIONS'
    ) {
      throw new LoreError('unauthenticated', 'sign in or send an API key or bearer token');
    }
    return next();
  };
}

async function fromBearer(kit: AuthKit, c: Context<AppEnv>): Promise<Principal | undefined> {
  const header = c.req.header('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  if (!match?.[1])
    throw new LoreError('unauthenticated', 'the Authorization header must be "Bearer <API key or JWT>"');
  const token = match[1];
  if (token.startsWith(apiKeyPrefix)) {
    const found = await kit.apiKeys.authenticate(token);
    if (!found) throw new LoreError('unauthenticated', 'unknown, expired or revoked API key');
    const principal = await principalForUser(kit.app.identity, found.user, 'api-key', found.key.scopes);
    return { ...principal, credentialId: found.key.id };
  }
  if (!kit.jwt) {
    throw new LoreError(
      'unauthenticated',
      'bearer JWTs are not accepted here (no LORE_JWT_ISSUER); use an API key',
    );
  }
  const claims = await kit.jwt.verify(token);
  const user = await kit.external.resolve(
    claims,
    { autoProvision: kit.app.config.jwtAutoProvision, method: 'jwt' },
    kit.actor(c),
  );
  return principalForUser(kit.app.identity, user, 'jwt');
}

async function fromSession(kit: AuthKit, c: Context<AppEnv>): Promise<Principal | undefined> {
  const token = sessionTokenOf(c);
  if (!token) return undefined;
  const { secure } = kit.origin(c);
  const resolved = await kit.sessions.resolve(token);
  if (!resolved) {
    clearSessionCookie(c, { secure });
    return undefined;
  }
  if (!safeMethods.has(c.req.method) && !csrfExempt.has(c.req.path)) {
    const presented = c.req.header(csrfHeaderName);
    if (!presented || !safeEqual(presented, resolved.session.csrfToken)) {
      throw new LoreError(
        'forbidden',
        `missing or wrong ${csrfHeaderName} header (GET /api/v1/auth/me returns the token of this session)`,
      );
    }
  }
  if (resolved.renewed)
    setSessionCookie(c, token, { secure, maxAgeSeconds: Math.floor(kit.sessionTtlMs / 1000) });
  return principalForUser(kit.app.identity, resolved.user, 'session');
}
