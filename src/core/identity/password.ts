import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { LoreError } from '../errors.js';

/** scrypt cost parameters; `N` is a power of two. N=2^15, r=8 uses 32 MiB per hash. */
export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

export const defaultScryptParameters: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 };
const keyLength = 32;
const saltLength = 16;

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const maxmem = 128 * parameters.N * parameters.r * parameters.p + 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, { ...parameters, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes a password with scrypt (memory-hard), encoded as `scrypt$N$r$p$salt$hash` (base64url).
 *
 * @example await hashPassword('correct horse battery') // 'scrypt$32768$8$1$…$…'
 */
export async function hashPassword(
  password: string,
  parameters: ScryptParameters = defaultScryptParameters,
): Promise<string> {
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, parameters);
  return [
    'scrypt',
    parameters.N,
    parameters.r,
    parameters.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** Outcome of checking a password; `needsRehash` when it matched under other parameters than the current ones. */
export interface PasswordCheck {
  ok: boolean;
  needsRehash: boolean;
}

/** Checks a password against an encoded hash in constant time; a malformed hash never matches. */
export async function verifyPassword(
  password: string,
  encoded: string,
  current: ScryptParameters = defaultScryptParameters,
): Promise<PasswordCheck> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return { ok: false, needsRehash: false };
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const valid = (value: number, max: number) => Number.isInteger(value) && value >= 1 && value <= max;
  if (!valid(N, 2 ** 22) || (N & (N - 1)) !== 0 || !valid(r, 64) || !valid(p, 16)) {
    return { ok: false, needsRehash: false };
  }
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length === 0 || expected.length !== keyLength) return { ok: false, needsRehash: false };
  const key = await derive(password, salt, { N, r, p });
  const ok = timingSafeEqual(key, expected);
  return { ok, needsRehash: ok && (N !== current.N || r !== current.r || p !== current.p) };
}

/** Hashes of random passwords, one per parameter set: checked when an email is unknown, at the same cost. */
const decoyHashes = new Map<string, Promise<string>>();
export function decoyPasswordHash(parameters: ScryptParameters = defaultScryptParameters): Promise<string> {
  const id = `${parameters.N}:${parameters.r}:${parameters.p}`;
  let decoy = decoyHashes.get(id);
  if (!decoy) {
    decoy = hashPassword(randomBytes(16).toString('hex'), parameters);
    decoyHashes.set(id, decoy);
  }
  return decoy;
}

export const minimumPasswordLength = 10;
export const maximumPasswordLength = 1024;

/** Throws `invalid_request` naming the rule a new password breaks. */
export function checkPasswordPolicy(password: string, email: string): void {
  if (password.length < minimumPasswordLength) {
    throw new LoreError(
      'invalid_request',
      `the password must have at least ${minimumPasswordLength} characters`,
    );
  }
  if (password.length > maximumPasswordLength) {
    throw new LoreError(
      'invalid_request',
      `the password must have at most ${maximumPasswordLength} characters`,
    );
  }
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) {
    throw new LoreError('invalid_request', 'the password must not be the email address');
  }
  if (new Set(password).size < 3) {
    throw new LoreError('invalid_request', 'the password must not repeat one or two characters');
  }
}
