import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { LoreApp } from '../../app/create-app.js';
import { queryTransforms } from '../../core/search/query-transform.js';
import { AskEventSchema } from '../ask-events.schema.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';
import { FilterSchema, IdText, QueryText } from '../schemas.js';
import { streamChat } from '../sse.js';

const AskBody = z
  .strictObject({
    question: QueryText,
    conversationId: IdText.optional().openapi({ description: 'continue this conversation' }),
    save: z.boolean().default(true).openapi({ description: 'keep the exchange as a conversation' }),
    filter: FilterSchema.optional(),
    model: z
      .enum(['auto', 'small', 'large'])
      .optional()
      .openapi({ description: 'chat model size; auto lets the routing rule decide' }),
    queryTransform: z
      .enum(queryTransforms)
      .optional()
      .openapi({ description: 'multi-query expansion or HyDE for retrieval (default from config)' }),
  })
  .openapi('AskRequest');

const sseDescription =
  'Server-sent events: `sources-found` {sources}, `table-computed` {computation} (questions answered over a table), `answer-delta` {text}, `citation-added` {citation}, ' +
  '`answer-end` {mode (generated, extractive, computed, abstained), answer, citations, computation?, model?, usage?, questionId, conversationId?, latencyMs}, or `answer-error` {code, message}.';

const postAsk = createRoute({
  method: 'post',
  path: '/api/v1/ask',
  tags: ['ask'],
  summary: 'Ask a question; the answer streams with citations',
  security: signedIn,
  request: { body: { content: { 'application/json': { schema: AskBody } }, required: true } },
  responses: {
    200: { description: sseDescription, content: { 'text/event-stream': { schema: AskEventSchema } } },
    ...commonErrors,
  },
});

const getAsk = createRoute({
  method: 'get',
  path: '/api/v1/ask',
  tags: ['ask'],
  summary: 'Ask a question (EventSource-friendly form, not saved as a conversation)',
  security: signedIn,
  request: {
    query: z.object({
      q: QueryText,
      collection: z.string().max(4000).optional().openapi({ description: 'collection ids, comma separated' }),
    }),
  },
  responses: {
    200: { description: sseDescription, content: { 'text/event-stream': { schema: AskEventSchema } } },
    ...commonErrors,
  },
});

/** What these routes use of the app. */
export type AskRouteDependencies = Pick<LoreApp, 'access' | 'chat'>;

/** Streamed answers; access is checked before the stream opens so errors are plain 4xx. */
export function registerAskRoutes(router: OpenAPIHono<AppEnv>, app: AskRouteDependencies): void {
  router.openapi(postAsk, async (c) => {
    const body = c.req.valid('json');
    const principal = principalOf(c);
    await app.access.readFilter(principal);
    if (body.conversationId) {
      await app.chat.conversationFor({
        principal,
        question: '',
        conversationId: body.conversationId,
        channel: 'api',
      });
    }
    return streamChat(c, (signal) =>
      app.chat.chat({
        principal,
        question: body.question,
        save: body.save,
        channel: 'api',
        signal,
        ...(body.conversationId ? { conversationId: body.conversationId } : {}),
        ...(body.filter ? { filter: body.filter } : {}),
        ...(body.model ? { model: body.model } : {}),
        ...(body.queryTransform ? { queryTransform: body.queryTransform } : {}),
      }),
    ) as never;
  });
  router.openapi(getAsk, async (c) => {
    const { q, collection } = c.req.valid('query');
    const principal = principalOf(c);
    await app.access.readFilter(principal);
    return streamChat(c, (signal) =>
      app.chat.chat({
        principal,
        question: q,
        channel: 'api',
        signal,
        ...(collection ? { filter: { collectionIds: collection.split(',').filter(Boolean) } } : {}),
      }),
    ) as never;
  });
}
