import { z } from '@hono/zod-openapi';
import { errorCodes } from '../core/errors.js';
import { CitationSchema, SourceSchema } from './schemas.js';

/**
 * The events of a streamed answer (`POST /api/v1/ask`, `GET /api/v1/ask`): each is one SSE message
 * whose event name is `type` and whose data is the whole object as JSON. Clients type the stream
 * from these (through docs/openapi.json); a test checks real streams against them.
 */

const ComputationSchema = z
  .object({
    status: z.enum(['computed', 'refused', 'ambiguous']),
    reason: z.string().optional().openapi({ description: 'why the table does not say (refused, ambiguous)' }),
    statement: z.string().optional().openapi({ description: 'the computation in plain words' }),
    value: z.union([z.number(), z.string()]).optional(),
    display: z.string().optional(),
    unit: z.string().optional(),
    planner: z.enum(['rules', 'model']).optional(),
    plan: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'the validated table query plan' }),
    table: z
      .object({
        id: z.string(),
        documentId: z.string(),
        sheet: z.string(),
        fileName: z.string(),
        title: z.string(),
      })
      .optional(),
    rows: z.string().optional().openapi({ description: 'the rows used, e.g. "rows 14–37"' }),
    rowCount: z.number().int().optional(),
    groups: z
      .array(
        z.object({
          key: z.string(),
          value: z.union([z.number(), z.string(), z.null()]),
          display: z.string(),
          rowCount: z.number().int(),
        }),
      )
      .optional(),
    labels: z.array(z.string()).optional(),
    labelColumn: z.string().optional(),
  })
  .openapi('TableComputation');

export const AskEventSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('sources-found'), sources: z.array(SourceSchema) }),
    z.object({ type: z.literal('table-computed'), computation: ComputationSchema }),
    z.object({ type: z.literal('answer-delta'), text: z.string() }),
    z.object({ type: z.literal('citation-added'), citation: CitationSchema }),
    z.object({
      type: z.literal('answer-end'),
      mode: z.enum(['generated', 'extractive', 'computed', 'abstained']),
      answer: z.string(),
      citations: z.array(CitationSchema),
      computation: ComputationSchema.optional(),
      model: z
        .string()
        .optional()
        .openapi({ description: 'the model that answered, after routing and fallback' }),
      usage: z.object({ inputTokens: z.number().optional(), outputTokens: z.number().optional() }).optional(),
      costUsd: z.number().optional(),
      route: z
        .object({
          size: z.enum(['small', 'large']),
          reason: z.enum([
            'requested',
            'configured',
            'short-question',
            'long-question',
            'complex-question',
            'no-small-model',
          ]),
        })
        .optional(),
      questionId: z.string(),
      conversationId: z.string().optional(),
      latencyMs: z.number(),
    }),
    z.object({ type: z.literal('answer-error'), code: z.enum(errorCodes), message: z.string() }),
  ])
  .openapi('AskEvent', {
    description: 'one server-sent event of a streamed answer (the SSE event name is `type`)',
  });
