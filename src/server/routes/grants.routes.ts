import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { LoreError } from '../../core/errors.js';
import { requireScope } from '../../core/identity/access.service.js';
import type { CollectionGrant, GranteeType } from '../../core/identity/identity.records.js';
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
export function registerGrantRoutes(router: OpenAPIHono<AppEnv>, kit: AuthKit): void {
  const { accessStore, identity } = kit.app;

  /** Throws 404 when the caller cannot read the collection, 403 when it can but does not own it. */
  const requireOwner = async (c: Context<AppEnv>, id: string, scope: 'read' | 'write') => {
    const principal = principalOf(c);
    requireScope(principal, scope);
    const held = await kit.app.access.permissionOn(principal, id);
    if (held === undefined) throw new LoreError('not_found', `no collection ${id}`);
    if (held !== 'owner')
      throw new LoreError('forbidden', 'only the owner or an administrator can see and change sharing');
  };
  const snapshot = async (collectionId: string) => {
    const ownerId = await accessStore.getCollectionOwner(collectionId);
    const grants = (await accessStore.listGrants(collectionId)).map(({ collectionId: _, ...grant }) => grant);
    return { collectionId, ...(ownerId ? { ownerId } : {}), grants };
  };
  const resolveGrantee = async (type: GranteeType, id: string): Promise<string> => {
    if (type === 'group') {
      if (!(await identity.listGroups()).some((group) => group.id === id)) {
        throw new LoreError('invalid_request', `grants: no group ${id}`);
      }
      return id;
    }
    const user = id.includes('@') ? await identity.getUserByEmail(id) : await identity.getUser(id);
    if (!user) throw new LoreError('invalid_request', `grants: no user ${id}`);
    return user.id;
  };

  router.openapi(list, async (c) => {
    const { id } = c.req.valid('param');
    await requireOwner(c, id, 'read');
    return c.json(await snapshot(id), 200);
  });

  router.openapi(replace, async (c) => {
    const { id } = c.req.valid('param');
    await requireOwner(c, id, 'write');
    const wanted = new Map<string, Omit<CollectionGrant, 'createdAt'>>();
    for (const grant of c.req.valid('json').grants) {
      const granteeId = await resolveGrantee(grant.granteeType, grant.granteeId);
      wanted.set(`${grant.granteeType}:${granteeId}`, { ...grant, granteeId, collectionId: id });
    }
    const before = await accessStore.listGrants(id);
    const actor = kit.actor(c);
    for (const grant of before) {
      if (wanted.has(`${grant.granteeType}:${grant.granteeId}`)) continue;
      await accessStore.revoke(id, grant.granteeType, grant.granteeId);
      await kit.accounts.audit(actor, 'collection.revoke', `collection:${id}`, {
        granteeType: grant.granteeType,
        granteeId: grant.granteeId,
      });
    }
    for (const grant of wanted.values()) {
      const previous = before.find(
        (old) => old.granteeType === grant.granteeType && old.granteeId === grant.granteeId,
      );
      if (previous?.permission === grant.permission) continue;
      await accessStore.grant(grant);
      await kit.accounts.audit(actor, 'collection.grant', `collection:${id}`, {
        granteeType: grant.granteeType,
        granteeId: grant.granteeId,
        permission: grant.permission,
        ...(previous ? { previous: previous.permission } : {}),
      });
    }
    return c.json(await snapshot(id), 200);
  });

  router.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    await requireOwner(c, id, 'write');
    const { granteeType, granteeId } = c.req.valid('query');
    const resolved =
      granteeType === 'user' && granteeId.includes('@')
        ? (await identity.getUserByEmail(granteeId))?.id
        : granteeId;
    const existing = (await accessStore.listGrants(id)).find(
      (grant) => grant.granteeType === granteeType && grant.granteeId === resolved,
    );
    if (existing) {
      await accessStore.revoke(id, granteeType, existing.granteeId);
      await kit.accounts.audit(kit.actor(c), 'collection.revoke', `collection:${id}`, {
        granteeType,
        granteeId: existing.granteeId,
      });
    }
    return c.body(null, 204);
  });
}
