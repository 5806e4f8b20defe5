import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { sourcesFootnote } from '../../core/answer/sources-footnote.js';
import type { ChatEvent, ChatService } from '../../core/conversation/chat.service.js';
import type { KnowledgeModels } from '../../core/conversation/knowledge-models.js';
import { LoreError } from '../../core/errors.js';
import type { Logger } from '../../operations/logger.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { type ChatCompletionInput, readChatCompletion } from '../openai/chat-completion.request.js';
import {
  ChunkWriter,
  completionObject,
  loreExtension,
  modelObject,
  openAiError,
  respondWithOpenAiError,
  usageOf,
} from '../openai/openai.wire.js';

/** Paths served in OpenAI's wire format (errors included). */
export function isOpenAiPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/');
}

/**
 * The OpenAI-compatible API: `GET /v1/models`, `GET /v1/models/{model}`, `POST /v1/chat/completions`
 * (streaming or not). Each readable collection is a model `lore/<name>`, and `lore` answers from all
 * of them; answers carry a "Sources:" footnote and a non-standard `lore` field with the cited spans.
 * Errors use OpenAI's shape `{error:{message,type,param,code}}`.
 *
 * @example
 * registerOpenAiRoutes(http, { models: app.knowledgeModels, chat: app.chat }, { logger });
 * // curl -H "Authorization: Bearer $LORE_API_KEY" http://127.0.0.1:7860/v1/models
 */
export function registerOpenAiRoutes(
  router: Hono<AppEnv>,
  { models, chat }: { models: KnowledgeModels; chat: ChatService },
  options: { logger?: Logger } = {},
): void {
  const v1 = new Hono<AppEnv>();
  v1.onError((error, c) => {
    if (openAiError(error).status >= 500) {
      options.logger?.error(
        { requestId: c.get('requestId'), err: error },
        'OpenAI-compatible request failed',
      );
    }
    return respondWithOpenAiError(c, error);
  });

  v1.get('/v1/models', async (c) => {
    const list = await models.list(principalOf(c));
    return c.json({ object: 'list', data: list.map(modelObject) });
  });

  v1.get('/v1/models/:model{.+}', async (c) => {
    const { model } = await models.resolve(principalOf(c), c.req.param('model'));
    return c.json(modelObject(model));
  });

  // The body was read by the strict JSON reader (json-body.middleware.ts): size, duplicates, depth.
  v1.post('/v1/chat/completions', async (c) => {
    const principal = principalOf(c);
    const body: unknown = await c.req.json().catch(() => {
      throw new LoreError('invalid_request', 'body: the request body is not valid JSON');
    });
    const input = readChatCompletion(body);
    const { filter } = await models.resolve(principal, input.model);
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const run = (signal: AbortSignal) =>
      chat.chat({
        principal,
        question: input.question,
        history: input.history,
        filter,
        channel: 'openai',
        signal,
      });
    if (input.stream)
      return streamCompletion(c, new ChunkWriter(id, input.model, created, input.includeUsage), input, run);
    const end = await lastEvent(run(c.req.raw.signal));
    return c.json(
      completionObject(id, input.model, created, end.answer + sourcesFootnote(end.citations), end),
    );
  });

  router.route('/', v1);
}

type AnswerEnd = Extract<ChatEvent, { type: 'answer-end' }>;

async function lastEvent(events: AsyncIterable<ChatEvent>): Promise<AnswerEnd> {
  for await (const event of events) if (event.type === 'answer-end') return event;
  throw new LoreError('internal', 'the answer ended without a result');
}

/**
 * Streams `chat.completion.chunk` objects: the role, the answer's text deltas, the Sources footnote,
 * a last chunk with `finish_reason` and the `lore` field, the usage chunk when asked, then `[DONE]`.
 * A client that goes away aborts the model call; a failure mid-stream sends an `{error}` data line.
 */
function streamCompletion(
  c: Parameters<typeof streamSSE>[0],
  writer: ChunkWriter,
  input: ChatCompletionInput,
  run: (signal: AbortSignal) => AsyncIterable<ChatEvent>,
): Response {
  return streamSSE(c, async (stream) => {
    const controller = new AbortController();
    stream.onAbort(() => controller.abort());
    const send = (value: object) => stream.writeSSE({ data: JSON.stringify(value) });
    try {
      await send(writer.delta({ role: 'assistant', content: '' }));
      for await (const event of run(controller.signal)) {
        if (event.type === 'answer-delta') await send(writer.delta({ content: event.text }));
        if (event.type !== 'answer-end') continue;
        const footnote = sourcesFootnote(event.citations);
        if (footnote) await send(writer.delta({ content: footnote }));
        await send(writer.delta({}, 'stop', { lore: loreExtension(event) }));
        if (input.includeUsage) await send(writer.usage(usageOf(event.usage)));
      }
      await stream.writeSSE({ data: '[DONE]' });
    } catch (error) {
      if (controller.signal.aborted) return;
      await send(openAiError(error).body);
    }
  });
}
