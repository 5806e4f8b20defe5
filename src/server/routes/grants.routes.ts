import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { CollectionSharing } from '../../core/collections/collection-sharing.service.js';
import type { AuthKit } from '../auth/auth-kit.js';
import { GrantSchema, json, jsonBody } from '../auth/identity.schemas.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';
import { IdParam } from '../schemas.js';

const tags = ['collections'];
const GrantsSchema = z
  .object({
    collectionId: z.string(),
    ownerId: z.string().optional(),
    grants: z.array(GrantSchema.extend({ createdAt: z.string() })),
  })
  .openapi('CollectionGrants');

const list = createRoute({
  method: 'get',
  path: '/api/v1/collections/{id}/grants',
  tags,
  summary: 'Who the collection is shared with (its owner or an administrator)',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(GrantsSchema, 'Owner and grants'), ...commonErrors },
});

const replace = createRoute({
  method: 'put',
  path: '/api/v1/collections/{id}/grants',
  tags,
  summary: 'Replace the grants of a collection (its owner or an administrator); a user may be named by email',
  security: signedIn,
  request: {
    params: IdParam,
    ...jsonBody(z.strictObject({ grants: z.array(GrantSchema).max(1000) }).openapi('ReplaceGrantsRequest')),
  },
  responses: { 200: json(GrantsSchema, 'The new grants'), ...commonErrors },
});

const remove = createRoute({
  method: 'delete',
  path: '/api/v1/collections/{id}/grants',
  tags,
  summary: 'Remove one grant (its owner or an administrator)',
  security: signedIn,
  request: {
    params: IdParam,
    query: z.object({ granteeType: z.enum(['user', 'group']), granteeId: z.string().min(1).max(320) }),
  },
  responses: { 204: { description: 'Removed (or there was no such grant)' }, ...commonErrors },
});

/** Sharing of collections with users and groups as reader or editor. */
export function registerGrantRoutes(
  router: OpenAPIHono<AppEnv>,
  { sharing, actor }: { sharing: CollectionSharing; actor: AuthKit['actor'] },
): void {
  router.openapi(list, async (c) => c.json(await sharing.list(principalOf(c), c.req.valid('param').id), 200));

  router.openapi(replace, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await sharing.replace(principalOf(c), id, c.req.valid('json').grants, actor(c)), 200);
  });

  router.openapi(remove, async (c) => {
    await sharing.revoke(principalOf(c), c.req.valid('param').id, c.req.valid('query'), actor(c));
    return c.body(null, 204);
  });
}
