import { describe, expect, it } from 'vitest';
import { apiError, streamError } from './api-errors.js';

const response = (status: number, statusText = '') => ({ status, statusText });

describe('apiError', () => {
  it("keeps the server's code and message", () => {
    const error = apiError(
      { error: { code: 'rate_limited', message: 'slow down', requestId: 'r1' } },
      response(429),
    );
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe('slow down');
    expect(error.details).toEqual({ status: 429, requestId: 'r1' });
  });

  it('names a body without a known code by its status', () => {
    expect(apiError(undefined, response(404, 'Not Found')).code).toBe('not_found');
    expect(apiError({ error: { code: 'made_up' } }, response(403)).code).toBe('forbidden');
    const proxy = apiError('<html>bad gateway</html>', response(502, 'Bad Gateway'));
    expect(proxy.code).toBe('internal');
    expect(proxy.message).toBe('the server answered 502 Bad Gateway');
  });
});

describe('streamError', () => {
  it('keeps the code of an answer-error event', () => {
    expect(streamError({ code: 'provider_unavailable', message: 'model down' }).code).toBe(
      'provider_unavailable',
    );
    expect(streamError({ code: 'nonsense' }).code).toBe('internal');
  });
});
