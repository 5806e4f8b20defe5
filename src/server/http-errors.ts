import { HTTPException } from 'hono/http-exception';
import { type ErrorCode, LoreError, toLoreError } from '../core/errors.js';

const codeForStatus: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
};

/**
 * Any error thrown while handling a request as a LoreError. Hono's own HTTP exceptions (malformed
 * JSON, body limits, a body of a media type the route does not take) keep their 4xx meaning instead
 * of becoming a 500, with a message that names what to fix.
 */
export function requestError(error: unknown): LoreError {
  if (error instanceof HTTPException && codeForStatus[error.status]) {
    const code = codeForStatus[error.status]!;
    if (code === 'unsupported_media_type') {
      return new LoreError(
        code,
        'Content-Type: this route takes a JSON body; send it with Content-Type: application/json',
      );
    }
    const message = error.message || error.getResponse().statusText || 'bad request';
    return new LoreError(code, /json/i.test(message) ? `body: malformed JSON (${message})` : message);
  }
  return toLoreError(error);
}
