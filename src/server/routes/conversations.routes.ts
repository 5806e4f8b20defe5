import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { LoreApp } from '../../app/create-app.js';
import { ownsConversation } from '../../core/conversation/chat.service.js';
import type { Conversation } from '../../core/conversation/conversation.records.js';
import { LoreError } from '../../core/errors.js';
import { requireScope } from '../../core/identity/access.service.js';
import type { ApiScope, Principal } from '../../core/identity/identity.records.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, json, signedIn } from '../openapi.js';
import { CitationSchema, IdParam, IdText, nonBlank } from '../schemas.js';

const ConversationSchema = z
  .object({
    id: z.string(),
    userId: z.string().optional(),
    title: z.string(),
    collectionIds: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Conversation');
const MessageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    citations: z.array(CitationSchema),
    mode: z.string().optional(),
    questionId: z.string().optional(),
    createdAt: z.string(),
  })
  .openapi('Message');
const FeedbackBody = z
  .strictObject({
    questionId: IdText,
    rating: z.enum(['up', 'down']),
    comment: z.string().max(2000).optional(),
  })
  .openapi('Feedback');

const list = createRoute({
  method: 'get',
  path: '/api/v1/conversations',
  tags: ['conversations'],
  summary: 'The caller’s conversations, newest first',
  security: signedIn,
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }) },
  responses: {
    200: json(z.object({ conversations: z.array(ConversationSchema) }), 'Conversations'),
    ...commonErrors,
  },
});
const getOne = createRoute({
  method: 'get',
  path: '/api/v1/conversations/{id}',
  tags: ['conversations'],
  summary: 'A conversation with its messages',
  security: signedIn,
  request: { params: IdParam },
  responses: {
    200: json(ConversationSchema.extend({ messages: z.array(MessageSchema) }), 'The conversation'),
    ...commonErrors,
  },
});
const rename = createRoute({
  method: 'patch',
  path: '/api/v1/conversations/{id}',
  tags: ['conversations'],
  summary: 'Rename a conversation',
  security: signedIn,
  request: {
    params: IdParam,
    body: {
      content: { 'application/json': { schema: z.strictObject({ title: nonBlank(200) }) } },
      required: true,
    },
  },
  responses: { 200: json(ConversationSchema, 'Renamed'), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/api/v1/conversations/{id}',
  tags: ['conversations'],
  summary: 'Delete a conversation',
  security: signedIn,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});
const feedback = createRoute({
  method: 'post',
  path: '/api/v1/feedback',
  tags: ['conversations'],
  summary: 'Rate an answer (thumbs up/down with an optional comment)',
  security: signedIn,
  request: { body: { content: { 'application/json': { schema: FeedbackBody } }, required: true } },
  responses: { 204: { description: 'Recorded' }, ...commonErrors },
});

/** What these routes use of the app. */
export type ConversationRouteDependencies = Pick<LoreApp, 'analytics' | 'conversations'>;

/** Conversations of the caller and feedback on answers. */
export function registerConversationRoutes(
  router: OpenAPIHono<AppEnv>,
  app: ConversationRouteDependencies,
): void {
  router.openapi(list, async (c) => {
    const principal = principalOf(c);
    requireScope(principal, 'read');
    const conversations = await app.conversations.listConversations(
      principal.userId,
      c.req.valid('query').limit,
    );
    return c.json({ conversations }, 200);
  });
  router.openapi(getOne, async (c) => {
    const conversation = await own(app, principalOf(c), c.req.valid('param').id, 'read');
    return c.json({ ...conversation, messages: await app.conversations.listMessages(conversation.id) }, 200);
  });
  router.openapi(rename, async (c) => {
    const conversation = await own(app, principalOf(c), c.req.valid('param').id, 'write');
    const { title } = c.req.valid('json');
    await app.conversations.renameConversation(conversation.id, title);
    return c.json({ ...conversation, title }, 200);
  });
  router.openapi(remove, async (c) => {
    const conversation = await own(app, principalOf(c), c.req.valid('param').id, 'write');
    await app.conversations.deleteConversation(conversation.id);
    return c.body(null, 204);
  });
  router.openapi(feedback, async (c) => {
    const principal = principalOf(c);
    // Rating an answer is part of reading: a read-only key of a chat client may do it.
    requireScope(principal, 'read');
    const body = c.req.valid('json');
    const question = await app.analytics.getQuestion(body.questionId);
    const mine =
      principal.kind === 'local' ? question?.userId === undefined : question?.userId === principal.userId;
    if (!question || !mine) throw new LoreError('not_found', `no answer ${body.questionId} of yours`);
    await app.analytics.setFeedback(question.id, body.rating, body.comment);
    return c.body(null, 204);
  });
}

/** The caller's conversation (others' are not found); the credential must carry `scope`. */
async function own(
  app: ConversationRouteDependencies,
  principal: Principal,
  id: string,
  scope: ApiScope,
): Promise<Conversation> {
  const conversation = await app.conversations.getConversation(id);
  if (!conversation || !ownsConversation(principal, conversation)) {
    throw new LoreError('not_found', `no conversation ${id}`);
  }
  requireScope(principal, scope);
  return conversation;
}
