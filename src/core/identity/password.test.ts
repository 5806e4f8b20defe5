import { describe, expect, it } from 'vitest';
import { LoreError } from '../errors.js';
import { checkPasswordPolicy, defaultScryptParameters, hashPassword, verifyPassword } from './password.js';

const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('encodes scrypt parameters, salt and hash, with N=2^15 by default', async () => {
    const encoded = await hashPassword('correct horse battery');
    const [scheme, N, r, p, salt, hash] = encoded.split('$');
    expect([scheme, Number(N), Number(r), Number(p)]).toEqual(['scrypt', 2 ** 15, 8, 1]);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash ?? '', 'base64url')).toHaveLength(32);
    expect(await verifyPassword('correct horse battery', encoded)).toEqual({ ok: true, needsRehash: false });
    expect((await verifyPassword('correct horse batterY', encoded)).ok).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password', cheap)).not.toBe(await hashPassword('same password', cheap));
  });

  it('asks for a rehash when the parameters changed', async () => {
    const old = await hashPassword('old parameters', cheap);
    expect(await verifyPassword('old parameters', old, defaultScryptParameters)).toEqual({
      ok: true,
      needsRehash: true,
    });
    expect((await verifyPassword('wrong', old, defaultScryptParameters)).needsRehash).toBe(false);
  });

  it('never matches a malformed or hostile hash', async () => {
    for (const encoded of [
      '',
      'plain',
      'scrypt$1$8$1$AA$AA',
      'scrypt$33554432$8$1$AAAA$AAAA',
      'bcrypt$x',
      'scrypt$1000$8$1$c2FsdA$aGFzaA',
    ]) {
      expect((await verifyPassword('anything', encoded)).ok).toBe(false);
    }
  });
});

describe('password policy', () => {
  const rejects = (password: string, email = 'ann@example.com') => {
    try {
      checkPasswordPolicy(password, email);
      return undefined;
    } catch (error) {
      expect(LoreError.is(error) && error.code).toBe('invalid_request');
      return (error as Error).message;
    }
  };
  it('needs 10 characters, not the email, not one repeated character', () => {
    expect(rejects('short')).toMatch(/at least 10/);
    expect(rejects('Ann@Example.com', 'ann@example.com')).toMatch(/email/);
    expect(rejects('aaaaaaaaaaaa')).toMatch(/repeat/);
    expect(rejects('x'.repeat(2000))).toMatch(/at most/);
    expect(rejects('a perfectly fine passphrase')).toBeUndefined();
  });
});
