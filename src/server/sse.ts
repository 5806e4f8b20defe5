import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ChatEvent } from '../core/conversation/chat.service.js';
import { toLoreError } from '../core/errors.js';

/**
 * Streams chat events as SSE (`event:` is the event type, `data:` its JSON). A client that goes away
 * aborts the model call; a failure mid-stream ends with an `answer-error` event.
 */
export function streamChat(c: Context, run: (signal: AbortSignal) => AsyncIterable<ChatEvent>): Response {
  return streamSSE(c, async (stream) => {
    const controller = new AbortController();
    stream.onAbort(() => controller.abort());
    try {
      for await (const event of run(controller.signal)) {
        await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
      }
    } catch (error) {
      const loreError = toLoreError(error);
      await stream.writeSSE({
        event: 'answer-error',
        data: JSON.stringify({ type: 'answer-error', code: loreError.code, message: loreError.message }),
      });
    }
  });
}
