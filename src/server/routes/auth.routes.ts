import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { LoreError } from '../../core/errors.js';
import { requireScope } from '../../core/identity/access.service.js';
import type { User } from '../../core/identity/identity.records.js';
import { safeEqual } from '../../core/identity/secret-token.js';
import type { AuthKit } from '../auth/auth-kit.js';
import {
  Email,
  json,
  jsonBody,
  MeSchema,
  Password,
  SignedInSchema,
  UserSchema,
} from '../auth/identity.schemas.js';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../auth/session-cookie.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';
import { nonBlank } from '../schemas.js';
import { registerOidcRoutes } from './auth-oidc.routes.js';

const tags = ['auth'];

const status = createRoute({
  method: 'get',
  path: '/api/v1/auth/status',
  tags,
  summary: 'How to sign in here (public): user management, set-up needed, SSO available',
  responses: {
    200: json(
      z.object({
        userManagement: z.boolean(),
        setupRequired: z.boolean(),
        password: z.boolean(),
        sso: z.boolean(),
        landingUrl: z
          .string()
          .optional()
          .openapi({ description: 'The public landing page (LORE_LANDING_URL); absent when none is set' }),
      }),
      'Sign-in methods',
    ),
  },
});

const login = createRoute({
  method: 'post',
  path: '/api/v1/auth/login',
  tags,
  summary: 'Sign in with email and password; sets the session cookie',
  request: jsonBody(z.strictObject({ email: Email, password: Password }).openapi('LoginRequest')),
  responses: { 200: json(SignedInSchema, 'Signed in; the csrfToken goes in X-CSRF-Token'), ...commonErrors },
});

const setup = createRoute({
  method: 'post',
  path: '/api/v1/auth/setup',
  tags,
  summary:
    'Create the first administrator (only while no user exists; needs the set-up token printed at start)',
  request: jsonBody(
    z
      .strictObject({
        setupToken: z.string().min(1).max(200),
        email: Email,
        password: Password,
        name: z.string().max(200).trim().optional(),
      })
      .openapi('SetupRequest'),
  ),
  responses: {
    201: json(SignedInSchema, 'The administrator, signed in'),
    ...commonErrors,
    409: commonErrors[400],
  },
});

const logout = createRoute({
  method: 'post',
  path: '/api/v1/auth/logout',
  tags,
  summary: 'Sign out: deletes the session and clears its cookie',
  responses: { 204: { description: 'Signed out' }, ...commonErrors },
});

const me = createRoute({
  method: 'get',
  path: '/api/v1/auth/me',
  tags,
  summary: 'The caller, with the CSRF token of a cookie session',
  security: signedIn,
  responses: { 200: json(MeSchema, 'The caller'), ...commonErrors },
});

const updateMe = createRoute({
  method: 'patch',
  path: '/api/v1/auth/me',
  tags,
  summary: 'Change your own name',
  security: signedIn,
  request: jsonBody(z.strictObject({ name: nonBlank(200) }).openapi('UpdateMeRequest')),
  responses: { 200: json(UserSchema, 'Updated'), ...commonErrors },
});

const changePassword = createRoute({
  method: 'post',
  path: '/api/v1/auth/me/password',
  tags,
  summary: 'Change your own password; ends your other sessions',
  security: signedIn,
  request: jsonBody(
    z
      .strictObject({ currentPassword: Password.optional(), newPassword: Password })
      .openapi('ChangePasswordRequest'),
  ),
  responses: {
    200: json(SignedInSchema, 'Changed; a new session replaces the current one'),
    ...commonErrors,
  },
});

/** Sign-in, sign-out, set-up and the caller's own account. */
export function registerAuthRoutes(router: OpenAPIHono<AppEnv>, kit: AuthKit): void {
  const { identity } = kit.app;

  router.openapi(status, async (c) => {
    const setupRequired = kit.enabled && (await identity.countUsers()) === 0;
    return c.json(
      {
        userManagement: kit.enabled,
        setupRequired,
        password: kit.enabled,
        sso: Boolean(kit.oidc),
        ...(kit.app.config.landingUrl ? { landingUrl: kit.app.config.landingUrl } : {}),
      },
      200,
    );
  });

  router.openapi(login, async (c) => {
    requireUserManagement(kit);
    const { email, password } = c.req.valid('json');
    const user = await kit.accounts.signIn(email, password, kit.actor(c));
    return c.json(await startSession(kit, c, user), 200);
  });

  router.openapi(setup, async (c) => {
    requireUserManagement(kit);
    const body = c.req.valid('json');
    const expected = kit.setup.token;
    if (!expected || !safeEqual(body.setupToken, expected)) {
      if ((await identity.countUsers()) > 0)
        throw new LoreError('conflict', 'set-up is done: an account already exists');
      throw new LoreError(
        'forbidden',
        'wrong set-up token (it is printed on standard output when Lore starts)',
      );
    }
    const user = await kit.accounts.createFirstAdmin(
      { email: body.email, password: body.password, ...(body.name ? { name: body.name } : {}) },
      kit.actor(c),
    );
    delete kit.setup.token;
    return c.json(await startSession(kit, c, user), 201);
  });

  router.openapi(logout, async (c) => {
    const token = sessionTokenOf(c);
    if (token) {
      const ended = await kit.sessions.revoke(token);
      if (ended)
        await kit.accounts.audit(
          { ...kit.actor(c), userId: ended.userId },
          'sign-out',
          `user:${ended.userId}`,
          {},
        );
    }
    clearSessionCookie(c, { secure: kit.origin(c).secure });
    return c.body(null, 204);
  });

  router.openapi(me, async (c) => {
    const principal = principalOf(c);
    const user = principal.userId ? await identity.getUser(principal.userId) : undefined;
    const token = principal.via === 'session' ? sessionTokenOf(c) : undefined;
    const session = token ? await kit.sessions.resolve(token) : undefined;
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        userManagement: kit.enabled,
        ...(user ? { user } : {}),
        role: principal.role,
        via: principal.via,
        scopes: [...principal.scopes],
        groupIds: [...principal.groupIds],
        ...(session ? { csrfToken: session.session.csrfToken } : {}),
      },
      200,
    );
  });

  router.openapi(updateMe, async (c) => {
    const principal = principalOf(c);
    if (!principal.userId) throw new LoreError('invalid_request', 'the local user has no account to change');
    requireScope(principal, 'write');
    const updated = await kit.accounts.update(principal.userId, c.req.valid('json'), kit.actor(c));
    return c.json(updated, 200);
  });

  router.openapi(changePassword, async (c) => {
    const principal = principalOf(c);
    if (!principal.userId) throw new LoreError('invalid_request', 'the local user has no password');
    if (principal.via === 'api-key')
      throw new LoreError('forbidden', 'an API key cannot change the password');
    const { currentPassword, newPassword } = c.req.valid('json');
    await kit.accounts.changePassword(principal.userId, currentPassword, newPassword, kit.actor(c));
    await kit.sessions.revokeAll(principal.userId);
    const user = await identity.getUser(principal.userId);
    if (!user) throw new LoreError('not_found', 'the account no longer exists');
    return c.json(await startSession(kit, c, user), 200);
  });

  registerOidcRoutes(router, kit, startSession);
}

function requireUserManagement(kit: AuthKit): void {
  if (!kit.enabled) {
    throw new LoreError(
      'invalid_request',
      'user management is off (LORE_USER_MANAGEMENT): there is nothing to sign in to',
    );
  }
}

/** Creates a session for the user, sets its cookie and returns what the client keeps. */
export async function startSession(kit: AuthKit, c: Context<AppEnv>, user: User) {
  const { token, session } = await kit.sessions.create(user.id);
  setSessionCookie(c, token, {
    secure: kit.origin(c).secure,
    maxAgeSeconds: Math.floor(kit.sessionTtlMs / 1000),
  });
  return { user, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}
