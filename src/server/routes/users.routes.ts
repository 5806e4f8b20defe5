import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { LoreError } from '../../core/errors.js';
import { requireScope } from '../../core/identity/access.service.js';
import type { AuthKit } from '../auth/auth-kit.js';
import { Email, json, jsonBody, Password, RoleSchema, UserSchema } from '../auth/identity.schemas.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';
import { IdParam, nonBlank } from '../schemas.js';

const tags = ['users'];

const list = createRoute({
  method: 'get',
  path: '/api/v1/users',
  tags,
  summary: 'List users (administrators)',
  security: signedIn,
  responses: { 200: json(z.object({ users: z.array(UserSchema) }), 'Users by email'), ...commonErrors },
});

const create = createRoute({
  method: 'post',
  path: '/api/v1/users',
  tags,
  summary: 'Create a user (administrators); without a password the user signs in by SSO only',
  security: signedIn,
  request: jsonBody(
    z
      .strictObject({
        email: Email,
        name: z.string().max(200).trim().optional(),
        role: RoleSchema.default('member'),
        password: Password.optional(),
      })
      .openapi('CreateUserRequest'),
  ),
  responses: { 201: json(UserSchema, 'Created'), ...commonErrors, 409: commonErrors[400] },
});

const get = createRoute({
  method: 'get',
  path: '/api/v1/users/{id}',
  tags,
  summary: 'One user (administrators)',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(UserSchema, 'The user'), ...commonErrors },
});

const update = createRoute({
  method: 'patch',
  path: '/api/v1/users/{id}',
  tags,
  summary: 'Change a user (administrators): name, role, disabled, password; disabling ends their sessions',
  security: signedIn,
  request: {
    params: IdParam,
    ...jsonBody(
      z
        .object({
          name: nonBlank(200).optional(),
          role: RoleSchema.optional(),
          disabled: z.boolean().optional(),
          password: Password.optional(),
        })
        .strict()
        .openapi('UpdateUserRequest'),
    ),
  },
  responses: { 200: json(UserSchema, 'Updated'), ...commonErrors, 409: commonErrors[400] },
});

const remove = createRoute({
  method: 'delete',
  path: '/api/v1/users/{id}',
  tags,
  summary: 'Delete a user (administrators) with their sessions, keys and grants',
  security: signedIn,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors, 409: commonErrors[400] },
});

/** User administration; the last active administrator cannot be demoted, disabled or deleted. */
export function registerUserRoutes(router: OpenAPIHono<AppEnv>, kit: AuthKit): void {
  const { identity } = kit.app;
  const admin = (c: Parameters<typeof principalOf>[0]) => {
    const principal = principalOf(c);
    requireScope(principal, 'admin');
    requireUserManagement(kit);
    return principal;
  };

  router.openapi(list, async (c) => {
    admin(c);
    return c.json({ users: await identity.listUsers() }, 200);
  });
  router.openapi(create, async (c) => {
    admin(c);
    const user = await kit.accounts.create(c.req.valid('json'), kit.actor(c));
    return c.json(user, 201);
  });
  router.openapi(get, async (c) => {
    admin(c);
    const user = await identity.getUser(c.req.valid('param').id);
    if (!user) throw new LoreError('not_found', `no user ${c.req.valid('param').id}`);
    return c.json(user, 200);
  });
  router.openapi(update, async (c) => {
    admin(c);
    const user = await kit.accounts.update(c.req.valid('param').id, c.req.valid('json'), kit.actor(c));
    return c.json(user, 200);
  });
  router.openapi(remove, async (c) => {
    admin(c);
    await kit.accounts.delete(c.req.valid('param').id, kit.actor(c));
    return c.body(null, 204);
  });
}

export function requireUserManagement(kit: AuthKit): void {
  if (!kit.enabled) throw new LoreError('invalid_request', 'user management is off (LORE_USER_MANAGEMENT)');
}
