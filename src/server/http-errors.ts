import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorCode, LoreError, toLoreError } from '../core/errors.js';
import type { Logger } from '../operations/logger.js';

/** The code of a status Hono's own exceptions carry. */
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

/** The HTTP status of every error code: the single place where codes meet HTTP. */
const statusOf: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  unsupported_format: 415,
  file_too_large: 413,
  too_many_pages: 413,
  too_many_documents: 413,
  file_encrypted: 422,
  password_incorrect: 422,
  file_corrupt: 422,
  file_truncated: 422,
  file_empty: 422,
  parse_timeout: 422,
  parse_out_of_memory: 422,
  parse_failed: 422,
  invalid_request: 400,
  invalid_config: 500,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  uri_too_long: 414,
  headers_too_large: 431,
  request_timeout: 408,
  rate_limited: 429,
  provider_error: 502,
  provider_unavailable: 503,
  connector_failed: 502,
  storage_error: 500,
  storage_unavailable: 503,
  storage_full: 507,
  // Not a registered status: the client went away (nginx's convention); rarely reaches a client.
  cancelled: 499 as ContentfulStatusCode,
  internal: 500,
};

/** HTTP status for an error code. */
export function httpStatusFor(code: ErrorCode): ContentfulStatusCode {
  return statusOf[code];
}

/** The Retry-After of a 503 storage_unavailable without its own figure. */
export const storageRetryAfterSeconds = 2;

/**
 * Seconds a client should wait before retrying: the error's own figure, else a short default for an
 * unavailable database (down, restarting, pool exhausted, locked), as the API document promises.
 */
export function retryAfterSeconds(error: LoreError): number | undefined {
  const given = error.details.retryAfterSeconds;
  if (typeof given === 'number') return given;
  return error.code === 'storage_unavailable' ? storageRetryAfterSeconds : undefined;
}

/**
 * The one error response of the REST API: `{error:{code,message,requestId}}` with the code's status
 * and `Retry-After` when the error carries one or the database is unavailable; 5xx are logged,
 * internal messages not shown.
 */
export function errorReply(c: Context, error: unknown, logger?: Logger): Response {
  const loreError = requestError(error);
  const requestId = (c.get('requestId') as string | undefined) ?? crypto.randomUUID();
  const status = httpStatusFor(loreError.code);
  if (status >= 500) logger?.error({ requestId, code: loreError.code, err: error }, 'request failed');
  const message = status >= 500 && loreError.code === 'internal' ? 'internal error' : loreError.message;
  const retryAfter = retryAfterSeconds(loreError);
  if (retryAfter !== undefined) c.header('Retry-After', String(Math.ceil(retryAfter)));
  return c.json({ error: { code: loreError.code, message, requestId } }, status);
}
