import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { LoreError } from '../core/errors.js';
import { errorReply, storageRetryAfterSeconds } from './http-errors.js';

function replyTo(error: unknown): Promise<Response> {
  const app = new Hono();
  app.get('/', () => {
    throw error;
  });
  app.onError((thrown, c) => errorReply(c, thrown));
  return Promise.resolve(app.request('/'));
}

describe('errorReply', () => {
  it('tells a client when to retry an unavailable database, as the API document promises', async () => {
    const response = await replyTo(new LoreError('storage_unavailable', 'the database is unavailable'));
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe(String(storageRetryAfterSeconds));
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
  });

  it("keeps an error's own Retry-After and sends none where retrying cannot help", async () => {
    const limited = await replyTo(
      new LoreError('rate_limited', 'too many requests', { details: { retryAfterSeconds: 6.2 } }),
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('7');
    const missing = await replyTo(new LoreError('not_found', 'no such document'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('Retry-After')).toBeNull();
  });
});
