import { describe, expect, it } from 'vitest';
import { describeError } from './api.js';

describe('describeError', () => {
  it('puts known codes in plain words and keeps the detail', () => {
    expect(describeError('file_encrypted', 'a.pdf is encrypted')).toBe(
      'This file is password-protected. Remove the password and upload it again. (a.pdf is encrypted)',
    );
  });
  it('capitalises unknown messages', () => {
    expect(describeError('conflict', 'name taken')).toBe('Name taken');
  });
});
