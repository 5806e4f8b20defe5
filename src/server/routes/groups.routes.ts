import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { LoreError } from '../../core/errors.js';
import { requireScope } from '../../core/identity/access.service.js';
import type { AuthKit } from '../auth/auth-kit.js';
import { GroupSchema, json, jsonBody } from '../auth/identity.schemas.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';
import { IdParam, nonBlank } from '../schemas.js';
import { requireUserManagement } from './users.routes.js';

const tags = ['groups'];
const Members = z
  .strictObject({ userIds: z.array(z.string().min(1).max(200)).max(10_000) })
  .openapi('GroupMembers');

const list = createRoute({
  method: 'get',
  path: '/api/v1/groups',
  tags,
  summary: 'List groups (any signed-in user, to share collections with them)',
  security: signedIn,
  responses: { 200: json(z.object({ groups: z.array(GroupSchema) }), 'Groups by name'), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/api/v1/groups',
  tags,
  summary: 'Create a group (administrators)',
  security: signedIn,
  request: jsonBody(z.strictObject({ name: nonBlank(200) }).openapi('CreateGroupRequest')),
  responses: { 201: json(GroupSchema, 'Created'), ...commonErrors, 409: commonErrors[400] },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/groups/{id}',
  tags,
  summary: 'Delete a group and the grants made to it (administrators)',
  security: signedIn,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});
const getMembers = createRoute({
  method: 'get',
  path: '/api/v1/groups/{id}/members',
  tags,
  summary: 'Members of a group (administrators)',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(Members, 'User ids'), ...commonErrors },
});
const setMembers = createRoute({
  method: 'put',
  path: '/api/v1/groups/{id}/members',
  tags,
  summary: 'Replace the members of a group (administrators)',
  security: signedIn,
  request: { params: IdParam, ...jsonBody(Members) },
  responses: { 200: json(Members, 'The new members'), ...commonErrors },
});

/** Groups of users, the other kind of grantee of collection grants. */
export function registerGroupRoutes(router: OpenAPIHono<AppEnv>, kit: AuthKit): void {
  const { identity } = kit.app;
  const admin = (c: Parameters<typeof principalOf>[0]) => {
    requireScope(principalOf(c), 'admin');
    requireUserManagement(kit);
  };
  const requireGroup = async (id: string) => {
    const group = (await identity.listGroups()).find((candidate) => candidate.id === id);
    if (!group) throw new LoreError('not_found', `no group ${id}`);
    return group;
  };

  router.openapi(list, async (c) => {
    requireScope(principalOf(c), 'read');
    return c.json({ groups: await identity.listGroups() }, 200);
  });
  router.openapi(create, async (c) => {
    admin(c);
    const group = await identity.createGroup(c.req.valid('json').name);
    await kit.accounts.audit(kit.actor(c), 'group.create', `group:${group.id}`, { name: group.name });
    return c.json(group, 201);
  });
  router.openapi(remove, async (c) => {
    admin(c);
    const group = await requireGroup(c.req.valid('param').id);
    await identity.deleteGroup(group.id);
    await kit.accounts.audit(kit.actor(c), 'group.delete', `group:${group.id}`, { name: group.name });
    return c.body(null, 204);
  });
  router.openapi(getMembers, async (c) => {
    admin(c);
    const group = await requireGroup(c.req.valid('param').id);
    return c.json({ userIds: await identity.listGroupMembers(group.id) }, 200);
  });
  router.openapi(setMembers, async (c) => {
    admin(c);
    const group = await requireGroup(c.req.valid('param').id);
    const { userIds } = c.req.valid('json');
    const known = new Set((await identity.listUsers()).map((user) => user.id));
    const unknown = userIds.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new LoreError('invalid_request', `userIds: no user ${unknown.slice(0, 3).join(', ')}`);
    const before = new Set(await identity.listGroupMembers(group.id));
    await identity.setGroupMembers(group.id, userIds);
    await kit.accounts.audit(kit.actor(c), 'group.members', `group:${group.id}`, {
      added: userIds.filter((id) => !before.has(id)),
      removed: [...before].filter((id) => !userIds.includes(id)),
    });
    return c.json({ userIds: await identity.listGroupMembers(group.id) }, 200);
  });
}
