import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { LoreApp } from '../../app/create-app.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';
import { FilterSchema, QueryText, SearchResultSchema } from '../schemas.js';

const SearchBody = z
  .strictObject({
    query: QueryText,
    limit: z.number().int().min(1).max(100).default(10),
    mode: z.enum(['hybrid', 'lexical', 'dense']).optional(),
    filter: FilterSchema.optional(),
  })
  .openapi('SearchRequest');

const getSearch = createRoute({
  method: 'get',
  path: '/api/v1/search',
  tags: ['search'],
  summary: 'Search the readable collections',
  security: signedIn,
  request: {
    query: z.object({
      q: QueryText,
      limit: z.coerce.number().int().min(1).max(100).default(10),
      collection: z
        .string()
        .max(4000)
        .optional()
        .openapi({ description: 'collection id (repeatable as comma list)' }),
      mode: z.enum(['hybrid', 'lexical', 'dense']).optional(),
    }),
  },
  responses: {
    200: { description: 'Ranked chunks', content: { 'application/json': { schema: SearchResultSchema } } },
    ...commonErrors,
  },
});

const postSearch = createRoute({
  method: 'post',
  path: '/api/v1/search',
  tags: ['search'],
  summary: 'Search with filters',
  security: signedIn,
  request: { body: { content: { 'application/json': { schema: SearchBody } }, required: true } },
  responses: {
    200: { description: 'Ranked chunks', content: { 'application/json': { schema: SearchResultSchema } } },
    ...commonErrors,
  },
});

/** What these routes use of the app. */
export type SearchRouteDependencies = Pick<LoreApp, 'access' | 'search'>;

/** Hybrid search; the caller's readable collections bound every scan. */
export function registerSearchRoutes(router: OpenAPIHono<AppEnv>, app: SearchRouteDependencies): void {
  router.openapi(getSearch, async (c) => {
    const { q, limit, collection, mode } = c.req.valid('query');
    const requested = collection ? { collectionIds: collection.split(',').filter(Boolean) } : {};
    const filter = await app.access.readFilter(principalOf(c), requested);
    const result = await app.search.search({ query: q, limit, filter, ...(mode ? { mode } : {}) });
    return c.json(result, 200);
  });
  router.openapi(postSearch, async (c) => {
    const body = c.req.valid('json');
    const filter = await app.access.readFilter(principalOf(c), body.filter);
    const result = await app.search.search({
      query: body.query,
      limit: body.limit,
      filter,
      ...(body.mode ? { mode: body.mode } : {}),
    });
    return c.json(result, 200);
  });
}
