import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { LoreError, toLoreError } from '../../core/errors.js';
import type { User } from '../../core/identity/identity.records.js';
import type { AuthKit } from '../auth/auth-kit.js';
import type { OidcPending } from '../auth/oidc.client.js';
import type { AppEnv } from '../http-env.js';
import { commonErrors } from '../openapi.js';

const pendingCookie = 'lore_oidc';
const pendingPath = '/api/v1/auth/oidc';

const start = createRoute({
  method: 'get',
  path: '/api/v1/auth/oidc/start',
  tags: ['auth'],
  summary: 'Start SSO sign-in: redirects to the identity provider (authorization code + PKCE)',
  responses: { 302: { description: 'To the identity provider' }, ...commonErrors },
});

const callback = createRoute({
  method: 'get',
  path: '/api/v1/auth/oidc/callback',
  tags: ['auth'],
  summary: 'SSO callback: sets the session cookie and redirects to `/` (`/?login_error=…` on failure)',
  request: {
    query: z.object({
      code: z.string().max(4096).optional(),
      state: z.string().max(1024).optional(),
      error: z.string().max(200).optional(),
      error_description: z.string().max(2000).optional(),
      iss: z.string().max(2000).optional(),
      session_state: z.string().max(2000).optional(),
    }),
  },
  responses: { 302: { description: 'Signed in (to `/`) or not (to `/?login_error=…`)' } },
});

type StartSession = (kit: AuthKit, c: Context<AppEnv>, user: User) => Promise<unknown>;

/**
 * OIDC sign-in. The state, nonce and PKCE verifier travel in a 10-minute httpOnly cookie scoped to
 * the OIDC paths, so any replica can finish a sign-in another one started.
 */
export function registerOidcRoutes(
  router: OpenAPIHono<AppEnv>,
  kit: AuthKit,
  startSession: StartSession,
): void {
  router.openapi(start, async (c) => {
    if (!kit.enabled || !kit.oidc)
      throw new LoreError('not_found', 'SSO is not configured (LORE_OIDC_ISSUER)');
    const { url, pending } = await kit.oidc.start();
    const encoded = Buffer.from(JSON.stringify(pending)).toString('base64url');
    setCookie(c, pendingCookie, signed(encoded, kit.app.config.sessionSecret), {
      httpOnly: true,
      sameSite: 'Lax',
      secure: kit.origin(c).secure,
      path: pendingPath,
      maxAge: 600,
    });
    c.header('Cache-Control', 'no-store');
    return c.redirect(url.href, 302);
  });

  router.openapi(callback, async (c) => {
    const pending = readPending(verified(getCookie(c, pendingCookie), kit.app.config.sessionSecret));
    deleteCookie(c, pendingCookie, { path: pendingPath, secure: kit.origin(c).secure });
    const actor = kit.actor(c);
    try {
      if (!kit.enabled || !kit.oidc)
        throw new LoreError('not_found', 'SSO is not configured (LORE_OIDC_ISSUER)');
      const query = c.req.valid('query');
      if (query.error)
        throw new LoreError('unauthenticated', `the identity provider refused: ${query.error}`);
      if (!pending)
        throw new LoreError('unauthenticated', 'the sign-in expired or was started in another browser');
      const claims = await kit.oidc.finish(new URL(c.req.url).search, pending);
      const user = await kit.external.resolve(
        claims,
        { autoProvision: kit.app.config.oidcAutoProvision, method: 'oidc' },
        actor,
      );
      await kit.app.identity.updateUser(user.id, { lastLoginAt: new Date().toISOString() });
      await startSession(kit, c, user);
      await kit.accounts.audit({ ...actor, userId: user.id }, 'sign-in.success', `user:${user.id}`, {
        method: 'oidc',
        issuer: claims.issuer,
      });
      return c.redirect('/', 302);
    } catch (error) {
      const loreError = toLoreError(error);
      await kit.accounts.audit(actor, 'sign-in.failure', undefined, {
        method: 'oidc',
        reason: loreError.code,
        message: loreError.message.slice(0, 300),
      });
      return c.redirect(`/?login_error=${encodeURIComponent(loreError.code)}`, 302);
    }
  });
}

function readPending(value: string | undefined): OidcPending | undefined {
  if (!value || value.length > 2000) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<OidcPending>;
    if (
      typeof parsed.state === 'string' &&
      typeof parsed.nonce === 'string' &&
      typeof parsed.codeVerifier === 'string'
    ) {
      return { state: parsed.state, nonce: parsed.nonce, codeVerifier: parsed.codeVerifier };
    }
  } catch {
    // A tampered cookie is the same as none.
  }
  return undefined;
}

/** `value.signature` with an HMAC-SHA256 of the value when a secret is configured. */
export function signed(value: string, secret: string | undefined): string {
  return secret ? `${value}.${createHmac('sha256', secret).update(value).digest('base64url')}` : value;
}

/** The value of a `signed` cookie, or undefined when its signature is missing or wrong. */
export function verified(cookie: string | undefined, secret: string | undefined): string | undefined {
  if (!cookie || !secret) return cookie;
  const dot = cookie.lastIndexOf('.');
  if (dot < 0) return undefined;
  const value = cookie.slice(0, dot);
  const given = Buffer.from(cookie.slice(dot + 1));
  const expected = Buffer.from(createHmac('sha256', secret).update(value).digest('base64url'));
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : undefined;
}
