import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ChatEvent } from '../core/conversation/chat.service.js';
import { toLoreError } from '../core/errors.js';
import type { AskEventSchema } from './ask-events.schema.js';

/** An event as the API documents it; the compiler checks that every chat event is one. */
type AskEventData = z.infer<typeof AskEventSchema>;

/**
 * Streams chat events as SSE (`event:` is the event type, `data:` its JSON). The first event (the
 * sources found) is awaited before the stream opens, so a failure up to retrieval (the database
 * down: 503) is a plain error status; a failure after that ends the stream with an `answer-error`
 * event. A client that goes away aborts the model call.
 */
export async function streamChat(
  c: Context,
  run: (signal: AbortSignal) => AsyncIterable<ChatEvent>,
): Promise<Response> {
  const controller = new AbortController();
  const events = run(controller.signal)[Symbol.asyncIterator]();
  const first = await events.next();
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => controller.abort());
    try {
      for (let next = first; !next.done; next = await events.next()) {
        const event: AskEventData = next.value;
        await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
      }
    } catch (error) {
      const loreError = toLoreError(error);
      await stream.writeSSE({
        event: 'answer-error',
        data: JSON.stringify({
          type: 'answer-error',
          code: loreError.code,
          message: loreError.message,
        } satisfies AskEventData),
      });
    }
  });
}
