import { describe, expect, it } from 'vitest';
import { readSse } from './sse.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe('readSse', () => {
  it('joins events split across chunks, multi-line data and CRLF', async () => {
    const events = [];
    for await (const event of readSse(
      streamOf([
        'event: answer-delta\ndata: {"te',
        'xt":"a"}\n\n: comment\r\n',
        'data: one\r\ndata: two\r\n\r\n',
      ]),
    )) {
      events.push(event);
    }
    expect(events).toEqual([
      { event: 'answer-delta', data: '{"text":"a"}' },
      { event: 'message', data: 'one\ntwo' },
    ]);
  });
});
