import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { LoreApp } from '../../app/create-app.js';
import { datasetFolder, listDatasetFolders, unpackDataset } from '../../app/evaluation/evaluation-dataset.js';
import { LoreError } from '../../core/errors.js';
import { requireScope } from '../../core/identity/access.service.js';
import type { EvaluationStore } from '../../ports/evaluation.port.js';
import { type EvaluationJobPayload, evaluationJobKind } from '../../worker/evaluation-job.runner.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';
import { IdParam } from '../schemas.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const tags = ['evaluations'];

const Latency = z.object({ p50: z.number(), p95: z.number() });
const ReportSchema = z
  .object({
    dataset: z.string(),
    mode: z.enum(['hybrid', 'lexical', 'dense']),
    documents: z.number().int(),
    failedDocuments: z.number().int(),
    queries: z.number().int(),
    ndcgAt10: z.number(),
    recallAt100: z.number(),
    mrrAt10: z.number(),
    latencyMs: Latency,
    lexicalLatencyMs: Latency,
    ingestSeconds: z.number(),
    documentsPerSecond: z.number(),
  })
  .openapi('EvaluationReport');
const EvaluationSchema = z
  .object({
    id: z.string(),
    dataset: z.string(),
    source: z.enum(['folder', 'upload']),
    state: z.enum(['queued', 'running', 'done', 'failed']),
    jobId: z.string().optional(),
    createdBy: z.string().optional(),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    report: ReportSchema.optional(),
    perQuery: z
      .array(
        z.object({ queryId: z.string(), ndcgAt10: z.number(), recallAt100: z.number(), mrrAt10: z.number() }),
      )
      .optional(),
    error: z.string().optional(),
  })
  .openapi('Evaluation');

const start = createRoute({
  method: 'post',
  path: '/api/v1/evaluations',
  tags,
  summary: 'Evaluate retrieval on a BEIR-layout dataset (administrators); runs as a queue job',
  description:
    'Multipart form: `dataset` (a folder name under LORE_DATASETS_DIR) or `file` (a .zip, .tar or .tar.gz holding corpus.jsonl, queries.jsonl and qrels/test.tsv). The corpus is indexed in a throwaway store, so the knowledge base is untouched. Answers 202 with the queued run; poll GET /api/v1/evaluations/{id} or follow /api/v1/jobs/{jobId}/events.',
  security: signedIn,
  request: {
    body: {
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: {
              dataset: { type: 'string', description: 'folder name under LORE_DATASETS_DIR' },
              file: { type: 'string', format: 'binary', description: 'BEIR-layout archive' },
            },
          },
        },
      },
    },
  },
  responses: { 202: json(EvaluationSchema, 'The queued run'), 413: commonErrors[400], ...commonErrors },
});
const list = createRoute({
  method: 'get',
  path: '/api/v1/evaluations',
  tags,
  summary: 'Evaluation runs, newest first (administrators), and the datasets that can be run',
  security: signedIn,
  responses: {
    200: json(
      z.object({ evaluations: z.array(EvaluationSchema), datasets: z.array(z.string()) }),
      'History and dataset folders',
    ),
    ...commonErrors,
  },
});
const getOne = createRoute({
  method: 'get',
  path: '/api/v1/evaluations/{id}',
  tags,
  summary: 'One evaluation run with nDCG@10, Recall@100, MRR@10 and per-query scores (administrators)',
  security: signedIn,
  request: { params: IdParam },
  responses: { 200: json(EvaluationSchema, 'The run'), ...commonErrors },
});

/** What these routes use of the app. */
export type EvaluationRouteDependencies = Pick<LoreApp, 'config' | 'evaluations' | 'queue'>;

/**
 * The evaluation page's API: start runs (only queued here; a worker runs them in throwaway stores),
 * history, one run.
 */
export function registerEvaluationRoutes(
  router: OpenAPIHono<AppEnv>,
  app: EvaluationRouteDependencies,
  notifyWorker: () => void,
): void {
  const store = (): EvaluationStore => {
    if (!app.evaluations)
      throw new LoreError('invalid_request', 'evaluation runs are not stored by this database backend yet');
    return app.evaluations;
  };

  router.openapi(start, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'admin');
    const evaluations = store();
    if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data'))
      throw new LoreError('invalid_request', 'send a multipart form with "dataset" or "file"');
    const body = await c.req.parseBody();
    const upload = body.file instanceof File ? body.file : undefined;
    const name = typeof body.dataset === 'string' ? body.dataset.trim() : '';
    let payload: Omit<EvaluationJobPayload, 'evaluationId'>;
    let dataset: string;
    if (upload) {
      if (upload.size > app.config.maxFileBytes)
        throw new LoreError('payload_too_large', `${upload.name} is larger than LORE_MAX_FILE_BYTES`);
      const target = await mkdtemp(join(tmpdir(), 'lore-eval-upload-'));
      try {
        const folder = await unpackDataset(upload.name, new Uint8Array(await upload.arrayBuffer()), target);
        payload = { folder, cleanup: target };
      } catch (error) {
        await rm(target, { recursive: true, force: true });
        throw error;
      }
      dataset = upload.name.replace(/\.(zip|tar|tar\.gz|tgz)$/i, '');
    } else if (name) {
      payload = { folder: datasetFolder(app.config.datasetsDir, name) };
      dataset = name;
    } else {
      throw new LoreError(
        'invalid_request',
        'name a dataset folder ("dataset") or upload an archive ("file")',
      );
    }
    const id = crypto.randomUUID();
    const record = {
      id,
      dataset,
      source: upload ? ('upload' as const) : ('folder' as const),
      state: 'queued' as const,
      createdAt: new Date().toISOString(),
      ...(principal.userId ? { createdBy: principal.userId } : {}),
    };
    await evaluations.create(record);
    const job = await app.queue.enqueue(
      evaluationJobKind,
      { ...payload, evaluationId: id },
      { maxAttempts: 1 },
    );
    await evaluations.update(id, { jobId: job.id });
    notifyWorker();
    return c.json({ ...record, jobId: job.id }, 202);
  });

  router.openapi(list, async (c) => {
    requireScope(principalOf(c), 'admin');
    const evaluations = app.evaluations ? await app.evaluations.list(200) : [];
    return c.json({ evaluations, datasets: listDatasetFolders(app.config.datasetsDir) }, 200);
  });

  router.openapi(getOne, async (c) => {
    requireScope(principalOf(c), 'admin');
    const found = await store().get(c.req.valid('param').id);
    if (!found) throw new LoreError('not_found', 'no such evaluation run');
    return c.json(found, 200);
  });
}
