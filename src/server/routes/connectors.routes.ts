import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { LoreApp } from '../../app/create-app.js';
import type { ConnectorDefinition, ConnectorRun } from '../../core/connectors/connector.records.js';
import type { NewConnector as NewConnectorInput } from '../../core/connectors/connectors.service.js';
import { requireScope } from '../../core/identity/access.service.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, json, signedIn } from '../openapi.js';
import { IdParam, IdText } from '../schemas.js';

const S3Settings = z.strictObject({
  bucket: z.string().min(3).max(63),
  prefix: z.string().max(1024).default(''),
  region: z.string().max(50).optional(),
  endpoint: z.string().max(500).optional(),
});
const GitSettings = z.strictObject({
  url: z.string().min(1).max(2000),
  branch: z.string().max(200).optional(),
  path: z.string().max(1000).optional(),
});
const WebSettings = z.strictObject({
  url: z.string().min(1).max(2000).openapi({ description: 'Start page (http or https)' }),
  depth: z.number().int().min(0).max(5).default(0),
  maxPages: z.number().int().min(1).max(100_000).default(1),
});
const common = {
  name: z.string().min(1).max(100),
  collectionId: IdText,
  intervalMinutes: z.number().int().min(0).max(525_600).default(0),
};
/** One object (kind + the matching settings) rather than a oneOf: the service checks the pairing. */
const NewConnector = z
  .strictObject({
    ...common,
    kind: z.enum(['s3', 'git', 'web']),
    s3: S3Settings.optional().openapi({ description: 'Required when kind is s3' }),
    git: GitSettings.optional().openapi({ description: 'Required when kind is git' }),
    web: WebSettings.optional().openapi({ description: 'Required when kind is web' }),
  })
  .openapi('NewConnector');

const RunSchema = z
  .object({
    id: z.string(),
    connectorId: z.string(),
    state: z.enum(['running', 'done', 'failed', 'cancelled']).openapi({
      description: '`cancelled`: stopped on request between two pages or files; nothing was removed',
    }),
    trigger: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    seen: z.number(),
    added: z.number(),
    updated: z.number(),
    unchanged: z.number(),
    removed: z.number(),
    failed: z.number(),
    failures: z.array(z.object({ key: z.string(), code: z.string(), message: z.string() })),
    error: z.string().optional(),
    cancelRequestedAt: z
      .string()
      .optional()
      .openapi({ description: 'Set once a cancel was asked for; the run then ends `cancelled`' }),
  })
  .openapi('ConnectorRun');
const ConnectorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['s3', 'git', 'web']),
    collectionId: z.string(),
    intervalMinutes: z.number(),
    s3: S3Settings.extend({ prefix: z.string() }).optional(),
    git: GitSettings.optional(),
    web: WebSettings.optional(),
    createdBy: z.string().optional(),
    createdAt: z.string(),
    runs: z.array(RunSchema),
  })
  .openapi('Connector');

const list = createRoute({
  method: 'get',
  path: '/api/v1/connectors',
  tags: ['connectors'],
  summary: 'Connectors of collections the caller can edit, each with its last run',
  security: signedIn,
  responses: { 200: json(z.object({ connectors: z.array(ConnectorSchema) }), 'Connectors'), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/api/v1/connectors',
  tags: ['connectors'],
  summary: 'Define an S3 or Git connector syncing into a collection (editor access; no secrets stored)',
  security: signedIn,
  request: { body: { content: { 'application/json': { schema: NewConnector } }, required: true } },
  responses: { 201: json(ConnectorSchema, 'Created'), 409: commonErrors[400], ...commonErrors },
});
const getOne = createRoute({
  method: 'get',
  path: '/api/v1/connectors/{id}',
  tags: ['connectors'],
  summary: 'One connector (by id or name) with its last ten runs',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(ConnectorSchema, 'The connector'), ...commonErrors },
});
const runNow = createRoute({
  method: 'post',
  path: '/api/v1/connectors/{id}/runs',
  tags: ['connectors'],
  summary: 'Start a sync now; returns the running run (poll the connector for progress); 409 while one runs',
  security: signedIn,
  request: { params: IdParam },
  responses: { 202: json(RunSchema, 'The started run'), 409: commonErrors[400], ...commonErrors },
});
const cancelRun = createRoute({
  method: 'post',
  path: '/api/v1/connectors/{id}/runs/current/cancel',
  tags: ['connectors'],
  summary:
    'Cancel the running sync or crawl: it stops between two pages or files and ends `cancelled` (nothing removed); 409 when none runs',
  security: signedIn,
  request: { params: IdParam },
  responses: {
    202: json(RunSchema, 'The run, marked to stop (poll the connector until its state is cancelled)'),
    409: commonErrors[400],
    ...commonErrors,
  },
});
const NewUrlSource = z
  .strictObject({
    url: z.string().min(1).max(2000).openapi({ description: 'Page or start page (http or https)' }),
    collectionId: IdText,
    crawl: z
      .strictObject({
        depth: z.number().int().min(0).max(5).default(0),
        maxPages: z.number().int().min(1).max(100_000).optional(),
      })
      .optional()
      .openapi({ description: "Follow links within the start URL's folder; absent: the page alone" }),
    intervalMinutes: z.number().int().min(0).max(525_600).default(0),
  })
  .openapi('NewUrlSource');
const addUrl = createRoute({
  method: 'post',
  path: '/api/v1/sources/url',
  tags: ['connectors'],
  summary:
    'Fetch a page or crawl a site into a collection (editor access): stored as a web connector, run now; poll the connector for progress',
  security: signedIn,
  request: { body: { content: { 'application/json': { schema: NewUrlSource } }, required: true } },
  responses: {
    202: json(z.object({ connector: ConnectorSchema, run: RunSchema }), 'The connector and its started run'),
    409: commonErrors[400],
    ...commonErrors,
  },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/connectors/{id}',
  tags: ['connectors'],
  summary: 'Delete a connector (its documents stay unless `purge=true`)',
  security: signedIn,
  request: {
    params: IdParam,
    query: z.object({ purge: z.enum(['true', 'false']).optional() }),
  },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

function present(connector: ConnectorDefinition, runs: ConnectorRun[]): z.infer<typeof ConnectorSchema> {
  return { ...connector, runs } as z.infer<typeof ConnectorSchema>;
}

/** Connectors: define, list, inspect runs, run now, cancel, delete; every call needs write access to the collection. */
export function registerConnectorRoutes(router: OpenAPIHono<AppEnv>, app: LoreApp): void {
  router.openapi(list, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'write');
    const entries = await app.connectorAdmin.list(principal);
    return c.json({ connectors: entries.map((entry) => present(entry.connector, entry.runs)) }, 200);
  });

  router.openapi(create, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'write');
    const connector = await app.connectorAdmin.create(principal, c.req.valid('json') as NewConnectorInput);
    return c.json(present(connector, []), 201);
  });

  router.openapi(addUrl, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'write');
    const body = c.req.valid('json');
    const { connector, run } = await app.connectorAdmin.addUrl(principal, {
      url: body.url,
      collectionId: body.collectionId,
      ...(body.crawl ? { depth: body.crawl.depth } : {}),
      ...(body.crawl?.maxPages ? { maxPages: body.crawl.maxPages } : {}),
      intervalMinutes: body.intervalMinutes,
    });
    return c.json({ connector: present(connector, [run]), run }, 202);
  });

  router.openapi(getOne, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'write');
    const { connector, runs } = await app.connectorAdmin.get(principal, c.req.valid('param').id);
    return c.json(present(connector, runs), 200);
  });

  router.openapi(runNow, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'write');
    const run = await app.connectorAdmin.runNow(principal, c.req.valid('param').id, { trigger: 'api' });
    return c.json(run as z.infer<typeof RunSchema>, 202);
  });

  router.openapi(cancelRun, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'write');
    const run = await app.connectorAdmin.cancel(principal, c.req.valid('param').id);
    return c.json(run as z.infer<typeof RunSchema>, 202);
  });

  router.openapi(remove, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'write');
    await app.connectorAdmin.remove(principal, c.req.valid('param').id, {
      purge: c.req.valid('query').purge === 'true',
    });
    return c.body(null, 204);
  });
}
