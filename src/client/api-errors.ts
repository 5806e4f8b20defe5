import { type ErrorCode, isErrorCode, LoreError } from '../core/errors.js';

/** The code of a status when the body carries none (a proxy's page, a load balancer's 503). */
function codeForStatus(status: number): ErrorCode {
  if (status === 400) return 'invalid_request';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 408) return 'request_timeout';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 507) return 'storage_full';
  return 'internal';
}

/**
 * The error of a failed API call as a LoreError with the server's own code and message (the one
 * client-side translator: the CLI and the web UI both use it, so `rate_limited` stays `rate_limited`).
 */
export function apiError(body: unknown, response: Pick<Response, 'status' | 'statusText'>): LoreError {
  const error = (body as { error?: { code?: unknown; message?: unknown; requestId?: unknown } } | undefined)
    ?.error;
  const code = isErrorCode(error?.code) ? error.code : codeForStatus(response.status);
  const message =
    typeof error?.message === 'string'
      ? error.message
      : `the server answered ${response.status} ${response.statusText}`.trim();
  return new LoreError(code, message, {
    details: {
      status: response.status,
      ...(typeof error?.requestId === 'string' ? { requestId: error.requestId } : {}),
    },
  });
}

/** An `answer-error` event of a streamed answer as a LoreError with its code. */
export function streamError(event: { code?: unknown; message?: unknown }): LoreError {
  return new LoreError(
    isErrorCode(event.code) ? event.code : 'internal',
    typeof event.message === 'string' ? event.message : 'the answer failed',
  );
}
