import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { LoreError } from '../../core/errors.js';
import { requireScope } from '../../core/identity/access.service.js';
import type { AuthKit } from '../auth/auth-kit.js';
import { ApiKeySchema, json, jsonBody, ScopeSchema } from '../auth/identity.schemas.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';
import { IdParam, nonBlank } from '../schemas.js';

const tags = ['api-keys'];

const list = createRoute({
  method: 'get',
  path: '/api/v1/api-keys',
  tags,
  summary: "Your API keys (administrators: `?all=true` lists everyone's)",
  security: signedIn,
  request: { query: z.object({ all: z.enum(['true', 'false']).optional() }) },
  responses: {
    200: json(z.object({ keys: z.array(ApiKeySchema) }), 'Keys, without secrets'),
    ...commonErrors,
  },
});

const create = createRoute({
  method: 'post',
  path: '/api/v1/api-keys',
  tags,
  summary:
    'Create an API key (signed in with a session or a JWT: an API key cannot create keys); the secret is in this response only',
  security: signedIn,
  request: jsonBody(
    z
      .strictObject({
        name: nonBlank(200),
        scopes: z.array(ScopeSchema).min(1).default(['read']),
        expiresAt: z.iso.datetime({ offset: true }).optional(),
      })
      .openapi('CreateApiKeyRequest'),
  ),
  responses: {
    201: json(
      z.object({ key: ApiKeySchema, secret: z.string() }).openapi('CreatedApiKey'),
      'The key and its secret',
    ),
    ...commonErrors,
  },
});

const revoke = createRoute({
  method: 'delete',
  path: '/api/v1/api-keys/{id}',
  tags,
  summary: 'Revoke an API key (yours; administrators: any)',
  security: signedIn,
  request: { params: IdParam },
  responses: { 204: { description: 'Revoked' }, ...commonErrors },
});

/** API keys for scripts: `Authorization: Bearer lore_…`. */
export function registerApiKeyRoutes(router: OpenAPIHono<AppEnv>, kit: AuthKit): void {
  const { identity } = kit.app;

  router.openapi(list, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'read');
    if (c.req.valid('query').all === 'true') {
      requireScope(principal, 'admin');
      return c.json({ keys: await kit.apiKeys.list() }, 200);
    }
    if (!principal.userId) return c.json({ keys: [] }, 200);
    return c.json({ keys: await kit.apiKeys.list(principal.userId) }, 200);
  });

  router.openapi(create, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'write');
    if (principal.via === 'api-key') {
      // A stolen key must not be able to mint keys that outlive its own revocation.
      throw new LoreError('forbidden', 'an API key cannot create API keys; sign in to create one');
    }
    if (!principal.userId) {
      throw new LoreError(
        'invalid_request',
        'API keys belong to users: turn user management on (LORE_USER_MANAGEMENT)',
      );
    }
    const body = c.req.valid('json');
    const beyond = body.scopes.filter((scope) => !principal.scopes.includes(scope));
    if (beyond.length > 0) {
      throw new LoreError('forbidden', `this credential cannot grant the ${beyond.join(', ')} scope`);
    }
    const owner = await identity.getUser(principal.userId);
    if (!owner) throw new LoreError('unauthenticated', 'the account no longer exists');
    const created = await kit.apiKeys.create(owner, {
      name: body.name,
      scopes: body.scopes,
      ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}),
    });
    await kit.accounts.audit(kit.actor(c), 'api-key.create', `api-key:${created.key.id}`, {
      name: created.key.name,
      prefix: created.key.prefix,
      scopes: created.key.scopes,
    });
    c.header('Cache-Control', 'no-store');
    return c.json(created, 201);
  });

  router.openapi(revoke, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'write');
    const admin = principal.role === 'admin' && principal.scopes.includes('admin');
    const key = await kit.apiKeys.revoke(c.req.valid('param').id, { userId: principal.userId ?? '', admin });
    await kit.accounts.audit(kit.actor(c), 'api-key.revoke', `api-key:${key.id}`, {
      name: key.name,
      prefix: key.prefix,
      ownerId: key.userId,
    });
    return c.body(null, 204);
  });
}
