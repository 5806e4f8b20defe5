import { describe, expect, it } from 'vitest';
import { signed, verified } from './auth-oidc.routes.js';

describe('the SSO cookie signature', () => {
  it('round-trips with the secret and refuses a tampered or unsigned cookie', () => {
    const cookie = signed('eyJzdGF0ZSI6InMifQ', 'k'.repeat(32));
    expect(verified(cookie, 'k'.repeat(32))).toBe('eyJzdGF0ZSI6InMifQ');
    expect(verified(cookie.replace('eyJ', 'eyK'), 'k'.repeat(32))).toBeUndefined();
    expect(verified('eyJzdGF0ZSI6InMifQ', 'k'.repeat(32))).toBeUndefined();
    expect(verified(cookie, 'other'.repeat(8))).toBeUndefined();
  });

  it('passes cookies through unsigned when no secret is configured', () => {
    expect(signed('abc', undefined)).toBe('abc');
    expect(verified('abc', undefined)).toBe('abc');
  });
});
