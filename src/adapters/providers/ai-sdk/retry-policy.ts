import { APICallError, RetryError } from 'ai';

/** How provider calls are retried: exponential backoff with full jitter, `Retry-After` honoured. */
export interface RetryPolicy {
  /** Retries after the first attempt (0: none). */
  maxRetries: number;
  /** First backoff ceiling; attempt n waits a random time in [0, base · 2^n]. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest single wait. A `Retry-After` longer than this stops retrying (the fallback takes over). Default 30 s. */
  maxDelayMs?: number;
  /** Replaceable for tests. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 2 };

/** The provider error behind an AI SDK wrapper (RetryError keeps the last attempt's error). */
export function innermostError(error: unknown): unknown {
  return RetryError.isInstance(error) ? error.lastError : error;
}

/** True for failures worth another attempt: 408, 409, 429, 5xx and network errors without a status. */
export function isRetryable(error: unknown): boolean {
  const inner = innermostError(error);
  if (!APICallError.isInstance(inner)) return false;
  if (inner.statusCode === undefined) return true;
  return inner.isRetryable;
}

/**
 * What the server asked us to wait, in ms: `retry-after-ms` (OpenAI, Azure), then `retry-after` in
 * seconds or as an HTTP date. Undefined when absent or unparsable.
 */
export function retryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  const inner = innermostError(error);
  if (!APICallError.isInstance(inner)) return undefined;
  const headers = lowerCaseKeys(inner.responseHeaders ?? {});
  const ms = Number.parseFloat(headers['retry-after-ms'] ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Delay before retry number `attempt` (0-based), or undefined when the policy says stop: no attempts
 * left, the error is not retryable, or the server asks for a longer wait than `maxDelayMs`.
 */
export function nextRetryDelay(error: unknown, attempt: number, policy: RetryPolicy): number | undefined {
  if (attempt >= policy.maxRetries || !isRetryable(error)) return undefined;
  const maxDelay = policy.maxDelayMs ?? 30_000;
  const asked = retryAfterMs(error);
  if (asked !== undefined) return asked <= maxDelay ? asked : undefined;
  const ceiling = Math.min(maxDelay, (policy.baseDelayMs ?? 500) * 2 ** attempt);
  return Math.round((policy.random ?? Math.random)() * ceiling);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or `signal` fires (then the sleep rejects with
 * the signal's reason and the caller maps it).
 *
 * @example
 * const vectors = await withRetries(() => embedMany({ model, values, maxRetries: 0 }), { maxRetries: 2 }, signal);
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (signal?.aborted) throw error;
      const delay = nextRetryDelay(error, n, policy);
      if (delay === undefined) throw error;
      await (policy.sleep ?? sleep)(delay, signal);
    }
  }
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}
