import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { LoreApp } from '../../app/create-app.js';
import { LoreError } from '../../core/errors.js';
import type { Permission, Principal } from '../../core/identity/identity.records.js';
import type { Collection } from '../../core/records.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, json, signedIn } from '../openapi.js';
import { CollectionName, CollectionSchema, IdParam } from '../schemas.js';
import { checkCollectionName, createOwnedCollection } from './collection-access.js';

const CollectionBody = z
  .strictObject({ name: CollectionName, description: z.string().max(2000).default('') })
  .openapi('NewCollection');
const CollectionPatch = z
  .strictObject({
    name: CollectionName.optional(),
    description: z.string().max(2000).optional(),
    /** A named embedding profile (LORE_EMBEDDING_PROFILES); a change builds a new generation in the background. */
    embeddingProfile: z
      .string()
      .regex(/^[\w.-]+$/)
      .max(100)
      .optional(),
  })
  .openapi('CollectionPatch');

const list = createRoute({
  method: 'get',
  path: '/api/v1/collections',
  tags: ['collections'],
  summary: 'Collections the caller can read, with the caller’s permission',
  security: signedIn,
  responses: {
    200: json(z.object({ collections: z.array(CollectionSchema) }), 'Collections'),
    ...commonErrors,
  },
});
const create = createRoute({
  method: 'post',
  path: '/api/v1/collections',
  tags: ['collections'],
  summary: 'Create a collection owned by the caller',
  security: signedIn,
  request: { body: { content: { 'application/json': { schema: CollectionBody } }, required: true } },
  responses: { 201: json(CollectionSchema, 'Created'), 409: commonErrors[400], ...commonErrors },
});
const getOne = createRoute({
  method: 'get',
  path: '/api/v1/collections/{id}',
  tags: ['collections'],
  summary: 'One collection',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(CollectionSchema, 'The collection'), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/api/v1/collections/{id}',
  tags: ['collections'],
  summary:
    'Rename or describe a collection, or change its embedding profile (owner); progress in `embedding.generation`',
  security: signedIn,
  request: {
    params: IdParam,
    body: { content: { 'application/json': { schema: CollectionPatch } }, required: true },
  },
  responses: { 200: json(CollectionSchema, 'Updated'), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/collections/{id}',
  tags: ['collections'],
  summary: 'Delete a collection with all its documents (owner)',
  security: signedIn,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

/** Collections: list readable, create (owned by the caller), rename, delete. Sharing is in grants routes. */
export function registerCollectionRoutes(router: OpenAPIHono<AppEnv>, app: LoreApp): void {
  const present = async (collection: Collection, permission: Permission) => {
    const embedding = await app.collectionEmbeddings?.view(collection.id);
    return {
      ...collection,
      permission,
      documentCount: (await app.store.documentCounts()).get(collection.id) ?? 0,
      ...(embedding ? { embedding } : {}),
    };
  };

  router.openapi(list, async (c) => {
    const principal = principalOf(c);
    await app.access.readFilter(principal);
    const permissions = await app.access.permissions(principal);
    const counts = await app.store.documentCounts();
    const collections = (await app.store.listCollections())
      .filter((collection) => permissions === undefined || permissions.has(collection.id))
      .map((collection) => ({
        ...collection,
        permission: permissions?.get(collection.id) ?? ('owner' as const),
        documentCount: counts.get(collection.id) ?? 0,
      }));
    return c.json({ collections }, 200);
  });

  router.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const collection = await createOwnedCollection(
      app,
      principalOf(c),
      checkCollectionName(body.name),
      body.description,
    );
    return c.json(await present(collection, 'owner'), 201);
  });

  router.openapi(getOne, async (c) => {
    const { collection, permission } = await reachable(
      app,
      principalOf(c),
      c.req.valid('param').id,
      'reader',
    );
    return c.json(await present(collection, permission), 200);
  });

  const embeddingsFor = (profile: string) => {
    const collections = app.collectionEmbeddings;
    if (!collections) throw new LoreError('invalid_request', 'No embedder is configured on this server.');
    try {
      collections.embedder(profile);
    } catch {
      throw new LoreError('invalid_request', `No embedding profile "${profile}" (LORE_EMBEDDING_PROFILES).`);
    }
    return collections;
  };

  router.openapi(update, async (c) => {
    const principal = principalOf(c);
    const { collection, permission } = await reachable(app, principal, c.req.valid('param').id, 'owner');
    const body = c.req.valid('json');
    const embeddings = body.embeddingProfile === undefined ? undefined : embeddingsFor(body.embeddingProfile);
    const updated = await app.store.updateCollection(collection.id, {
      ...(body.name === undefined ? {} : { name: checkCollectionName(body.name) }),
      ...(body.description === undefined ? {} : { description: body.description }),
    });
    if (embeddings && body.embeddingProfile !== undefined)
      await embeddings.requestChange(updated ?? collection, body.embeddingProfile, principal.userId);
    return c.json(await present(updated ?? collection, permission), 200);
  });

  router.openapi(remove, async (c) => {
    const principal = principalOf(c);
    const { collection } = await reachable(app, principal, c.req.valid('param').id, 'owner');
    await app.store.deleteCollection(collection.id);
    await app.audit.append({
      ...(principal.userId ? { actorId: principal.userId } : {}),
      action: 'collection.delete',
      target: `collection:${collection.id}`,
      details: { name: collection.name },
    });
    return c.body(null, 204);
  });
}

/** The collection and the caller's permission, requiring `needed` (unreadable ones are not found). */
export async function reachable(
  app: LoreApp,
  principal: Principal,
  id: string,
  needed: Permission,
): Promise<{ collection: Collection; permission: Permission }> {
  await app.access.require(principal, id, needed);
  const collection = await app.store.getCollection(id);
  const permission = await app.access.permissionOn(principal, id);
  if (!collection || !permission) throw new Error(`collection ${id} vanished`);
  return { collection, permission };
}
