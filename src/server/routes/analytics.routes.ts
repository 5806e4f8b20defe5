import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { LoreApp } from '../../app/create-app.js';
import { summarize, toCsv } from '../../core/conversation/analytics.js';
import { requireScope } from '../../core/identity/access.service.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';

const Range = z.object({
  from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'inclusive ISO start' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'exclusive ISO end' }),
  userId: z.string().max(200).optional(),
});

const Usage = z.object({
  key: z.string(),
  questions: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
});

const SummarySchema = z
  .object({
    questions: z.number().int(),
    days: z.array(
      z.object({
        day: z.string(),
        questions: z.number().int(),
        latencyP50Ms: z.number(),
        latencyP95Ms: z.number(),
      }),
    ),
    byModel: z.array(Usage),
    byUser: z.array(Usage),
    feedback: z.object({ up: z.number().int(), down: z.number().int() }),
    modes: z.record(z.string(), z.number().int()),
    topDocuments: z.array(
      z.object({ documentId: z.string(), title: z.string().optional(), citations: z.number().int() }),
    ),
    unanswered: z.array(z.object({ id: z.string(), at: z.string(), question: z.string() })),
  })
  .openapi('AnalyticsSummary');

const summary = createRoute({
  method: 'get',
  path: '/api/v1/analytics/summary',
  tags: ['analytics'],
  summary:
    'Questions per day, latency p50/p95, tokens and cost by model and user, feedback, top documents (admin)',
  security: signedIn,
  request: { query: Range },
  responses: {
    200: { description: 'Aggregates', content: { 'application/json': { schema: SummarySchema } } },
    ...commonErrors,
  },
});

const csv = createRoute({
  method: 'get',
  path: '/api/v1/analytics.csv',
  tags: ['analytics'],
  summary: 'Every recorded question as CSV (admin)',
  security: signedIn,
  request: { query: Range },
  responses: {
    200: { description: 'analytics.csv', content: { 'text/csv': { schema: z.string() } } },
    ...commonErrors,
  },
});

/** What these routes use of the app. */
export type AnalyticsRouteDependencies = Pick<LoreApp, 'analytics' | 'store'>;

/** Admin analytics over recorded questions. */
export function registerAnalyticsRoutes(router: OpenAPIHono<AppEnv>, app: AnalyticsRouteDependencies): void {
  router.openapi(summary, async (c) => {
    requireScope(principalOf(c), 'admin');
    const query = c.req.valid('query');
    const result = summarize(await app.analytics.listQuestions(query));
    const documents = new Map(
      (await app.store.getDocuments(result.topDocuments.map((entry) => entry.documentId))).map((d) => [
        d.id,
        d,
      ]),
    );
    return c.json(
      {
        ...result,
        topDocuments: result.topDocuments.map((entry) => ({
          ...entry,
          ...(documents.get(entry.documentId) ? { title: documents.get(entry.documentId)!.title } : {}),
        })),
      },
      200,
    );
  });
  router.openapi(csv, async (c) => {
    requireScope(principalOf(c), 'admin');
    const body = toCsv(await app.analytics.listQuestions(c.req.valid('query')));
    return c.body(body, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="analytics.csv"',
    }) as never;
  });
}
