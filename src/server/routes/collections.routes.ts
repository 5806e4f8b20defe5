import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { CollectionsService } from '../../core/collections/collections.service.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, json, signedIn } from '../openapi.js';
import { CollectionName, CollectionSchema, IdParam } from '../schemas.js';

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
export function registerCollectionRoutes(
  router: OpenAPIHono<AppEnv>,
  { collections }: { collections: CollectionsService },
): void {
  router.openapi(list, async (c) => c.json({ collections: await collections.list(principalOf(c)) }, 200));

  router.openapi(create, async (c) => {
    const body = c.req.valid('json');
    return c.json(await collections.create(principalOf(c), body.name, body.description), 201);
  });

  router.openapi(getOne, async (c) =>
    c.json(await collections.get(principalOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(update, async (c) =>
    c.json(await collections.update(principalOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  router.openapi(remove, async (c) => {
    await collections.delete(principalOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
