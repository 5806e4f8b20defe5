import { HTTPException } from 'hono/http-exception';
import { type ErrorCode, LoreError, toLoreError } from '../core/errors.js';

const codeForStatus: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  // A JSON route sent another Content-Type (@hono/zod-openapi's media-type gate).
  415: 'unsupported_format',
  429: 'rate_limited',
};

/**
 * Any error thrown while handling a request as a LoreError. Hono's own HTTP exceptions (malformed
 * JSON, body limits) keep their 4xx meaning instead of becoming a 500.
 */
export function requestError(error: unknown): LoreError {
  if (error instanceof HTTPException && codeForStatus[error.status]) {
    const message = error.message || error.getResponse().statusText || 'bad request';
    if (error.status === 415) {
      return new LoreError(
        'unsupported_format',
        'unsupported Content-Type: send the body as application/json',
      );
    }
    return new LoreError(
      codeForStatus[error.status]!,
      /json/i.test(message) ? `malformed JSON body: ${message}` : message,
    );
  }
  return toLoreError(error);
}
