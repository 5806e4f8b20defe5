import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { nextRetryDelay, retryAfterMs, withRetries } from './retry-policy.js';

const apiError = (statusCode: number | undefined, headers: Record<string, string> = {}) =>
  new APICallError({
    message: 'failed',
    url: 'http://x.invalid',
    requestBodyValues: {},
    ...(statusCode === undefined ? {} : { statusCode }),
    responseHeaders: headers,
  });

describe('retry policy', () => {
  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    expect(retryAfterMs(apiError(429, { 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(apiError(429, { 'Retry-After': '2' }))).toBe(2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(apiError(503, { 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(apiError(503))).toBeUndefined();
  });

  it('backs off with full jitter, honours Retry-After up to the cap, and stops on client errors', () => {
    const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 };
    expect(nextRetryDelay(apiError(500), 0, policy)).toBe(50);
    expect(nextRetryDelay(apiError(500), 2, policy)).toBe(200);
    expect(nextRetryDelay(apiError(429, { 'retry-after': '0.5' }), 0, policy)).toBe(500);
    expect(nextRetryDelay(apiError(429, { 'retry-after': '5' }), 0, policy)).toBeUndefined();
    expect(nextRetryDelay(apiError(400), 0, policy)).toBeUndefined();
    expect(nextRetryDelay(apiError(undefined), 0, policy)).toBe(50);
    expect(nextRetryDelay(apiError(500), 3, policy)).toBeUndefined();
  });

  it('retries until success and stops waiting when the signal aborts', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls++;
        if (calls < 3) throw apiError(503);
        return 'ok';
      },
      { maxRetries: 5, random: () => 1, baseDelayMs: 10, sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([10, 20]);

    const controller = new AbortController();
    const pending = withRetries(
      () => Promise.reject(apiError(503)),
      { maxRetries: 5, baseDelayMs: 60_000, random: () => 1 },
      controller.signal,
    );
    setTimeout(() => controller.abort(new Error('stop')), 10);
    await expect(pending).rejects.toThrow('stop');
  });
});
