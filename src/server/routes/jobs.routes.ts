import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { LoreApp } from '../../app/create-app.js';
import { LoreError } from '../../core/errors.js';
import { requireScope } from '../../core/identity/access.service.js';
import type { Principal } from '../../core/identity/identity.records.js';
import type { Job } from '../../ports/queue.port.js';
import type { IngestJobPayload } from '../../worker/ingest-job.runner.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, json, signedIn } from '../openapi.js';
import { IdParam, JobSchema } from '../schemas.js';

const getOne = createRoute({
  method: 'get',
  path: '/api/v1/jobs/{id}',
  tags: ['jobs'],
  summary: 'State and progress of a job (pages parsed, chunks, chunks embedded)',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(JobSchema, 'The job'), ...commonErrors },
});
const events = createRoute({
  method: 'get',
  path: '/api/v1/jobs/{id}/events',
  tags: ['jobs'],
  summary: 'Job progress as server-sent events (`job` events until done, failed or cancelled)',
  security: signedIn,
  request: { params: IdParam },
  responses: {
    200: {
      description: 'SSE stream of `job` events',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...commonErrors,
  },
});
const cancel = createRoute({
  method: 'post',
  path: '/api/v1/jobs/{id}/cancel',
  tags: ['jobs'],
  summary: 'Cancel a queued or running job',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(JobSchema, 'The job after cancelling'), ...commonErrors },
});

const terminal = new Set(['done', 'failed', 'cancelled']);

/** What these routes use of the app. */
export type JobRouteDependencies = Pick<LoreApp, 'access' | 'queue' | 'store'>;

/** Job status, progress stream and cancellation; callers see jobs they started or whose collection they read. */
export function registerJobRoutes(
  router: OpenAPIHono<AppEnv>,
  app: JobRouteDependencies,
  pollMs = 500,
): void {
  router.openapi(getOne, async (c) =>
    c.json(present(await visibleJob(app, principalOf(c), c.req.valid('param').id)), 200),
  );

  router.openapi(events, async (c) => {
    const principal = principalOf(c);
    const first = await visibleJob(app, principal, c.req.valid('param').id);
    return streamSSE(c, async (stream) => {
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      let job: Job | undefined = first;
      let last = '';
      while (job && !closed) {
        const data = JSON.stringify(present(job));
        if (data !== last) await stream.writeSSE({ event: 'job', data });
        last = data;
        if (terminal.has(job.state)) break;
        await stream.sleep(pollMs);
        job = await app.queue.get(job.id);
      }
    }) as never;
  });

  router.openapi(cancel, async (c) => {
    const principal = principalOf(c);
    const job = await visibleJob(app, principal, c.req.valid('param').id);
    requireScope(principal, 'write');
    const payload = job.payload as IngestJobPayload;
    if (
      principal.kind !== 'local' &&
      principal.role !== 'admin' &&
      payload.requestedBy !== principal.userId
    ) {
      const collection = payload.collectionId
        ? await app.store.getCollection(payload.collectionId)
        : await app.store.getCollectionByName(payload.collection);
      if (!collection) throw new LoreError('forbidden', 'only the uploader or an editor can cancel this job');
      await app.access.require(principal, collection.id, 'editor');
    }
    await app.queue.cancel(job.id);
    return c.json(present((await app.queue.get(job.id)) ?? job), 200);
  });
}

/**
 * The job when the principal started it, or (with the read scope) can read its collection, or is an
 * administrator; otherwise not found.
 */
async function visibleJob(app: JobRouteDependencies, principal: Principal, id: string): Promise<Job> {
  const job = await app.queue.get(id);
  const missing = new LoreError('not_found', `no job ${id}`);
  if (!job) throw missing;
  if (principal.kind === 'local' || principal.role === 'admin') return job;
  const payload = job.payload as Partial<IngestJobPayload>;
  if (payload.requestedBy && payload.requestedBy === principal.userId) return job;
  if (!principal.scopes.includes('read')) throw missing;
  const collection = payload.collectionId
    ? await app.store.getCollection(payload.collectionId)
    : payload.collection
      ? await app.store.getCollectionByName(payload.collection)
      : undefined;
  if (collection && (await app.access.permissionOn(principal, collection.id))) return job;
  throw missing;
}

function present(job: Job): z.infer<typeof JobSchema> {
  const { payload, ...rest } = job;
  const ingest = payload as Partial<IngestJobPayload>;
  return {
    ...rest,
    ...(ingest.fileName ? { fileName: ingest.fileName } : {}),
    ...(ingest.collection ? { collection: ingest.collection } : {}),
  };
}
