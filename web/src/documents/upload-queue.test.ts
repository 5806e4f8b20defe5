import { describe, expect, it } from 'vitest';
import { readableJobError } from './upload-queue.js';

describe('readableJobError', () => {
  it('words a failure from its error code', () => {
    expect(readableJobError('a.pdf: needs a password', 'file_encrypted')).toBe(
      'This file is password-protected (a.pdf: needs a password).',
    );
    expect(readableJobError('b.docx is truncated', 'file_truncated')).toContain('damaged');
  });

  it('keeps the message of a code without plain words, and guesses only without a code', () => {
    expect(readableJobError('the embedding provider timed out (password rotation?)', 'provider_error')).toBe(
      'the embedding provider timed out (password rotation?)',
    );
    expect(readableJobError('file is encrypted')).toContain('password-protected');
  });
});
