import { randomUUID } from 'node:crypto';
import type { IdentityStore } from '../../ports/identity.port.js';
import { LoreError } from '../errors.js';
import type { ApiKey, ApiScope, User } from './identity.records.js';
import { scopesOfRole } from './principal.js';
import { randomToken, sha256 } from './secret-token.js';

export const apiKeyPrefix = 'lore_';
/** Characters of the key kept for display (`lore_` and 8 more). */
const displayLength = apiKeyPrefix.length + 8;
/** last-used is written at most this often per key. */
const touchEveryMs = 60_000;

export interface CreatedApiKey {
  key: ApiKey;
  /** The secret, shown once; only its sha256 is stored. */
  secret: string;
}

/**
 * API keys `lore_<43 random characters>`: stored as sha256 with a short prefix for display, scoped
 * (never beyond the owner's role), optionally expiring, with last-use tracking.
 *
 * @example
 * const { secret } = await keys.create(user, { name: 'ci', scopes: ['read'] });
 * const found = await keys.authenticate(secret); // { key, user } or undefined
 */
export class ApiKeyService {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly identity: IdentityStore,
    private readonly now: () => number = Date.now,
  ) {}

  async create(
    owner: User,
    request: { name: string; scopes: readonly ApiScope[]; expiresAt?: string },
  ): Promise<CreatedApiKey> {
    const allowed = scopesOfRole(owner.role);
    const excess = request.scopes.filter((scope) => !allowed.includes(scope));
    if (excess.length > 0) {
      throw new LoreError(
        'forbidden',
        `a ${owner.role} cannot create a key with the ${excess.join(', ')} scope`,
      );
    }
    if (request.expiresAt && Date.parse(request.expiresAt) <= this.now()) {
      throw new LoreError('invalid_request', 'expiresAt: must be in the future');
    }
    const secret = `${apiKeyPrefix}${randomToken(32)}`;
    const key: ApiKey = {
      id: randomUUID(),
      userId: owner.id,
      name: request.name.trim(),
      prefix: secret.slice(0, displayLength),
      scopes: [...new Set(request.scopes)],
      createdAt: new Date(this.now()).toISOString(),
      ...(request.expiresAt ? { expiresAt: new Date(request.expiresAt).toISOString() } : {}),
    };
    await this.identity.createApiKey(key, sha256(secret));
    return { key, secret };
  }

  /** The key and its (enabled) owner for a presented secret, or undefined when unknown, expired or disabled. */
  async authenticate(secret: string): Promise<{ key: ApiKey; user: User } | undefined> {
    if (!secret.startsWith(apiKeyPrefix) || secret.length > 200) return undefined;
    const key = await this.identity.findApiKey(sha256(secret));
    if (!key) return undefined;
    const now = this.now();
    if (key.expiresAt && Date.parse(key.expiresAt) <= now) return undefined;
    const user = await this.identity.getUser(key.userId);
    if (!user || user.disabled) return undefined;
    if (now - (this.touched.get(key.id) ?? 0) >= touchEveryMs) {
      this.touched.set(key.id, now);
      if (this.touched.size > 10_000) this.touched.clear();
      await this.identity.touchApiKey(key.id, new Date(now).toISOString());
    }
    return { key, user };
  }

  async list(userId?: string): Promise<ApiKey[]> {
    return this.identity.listApiKeys(userId);
  }

  /** Revokes a key the caller owns (or any key for an administrator); unknown keys are not found. */
  async revoke(id: string, caller: { userId: string; admin: boolean }): Promise<ApiKey> {
    const key = (await this.identity.listApiKeys(caller.admin ? undefined : caller.userId)).find(
      (candidate) => candidate.id === id,
    );
    if (!key) throw new LoreError('not_found', `no API key ${id}`);
    await this.identity.deleteApiKey(id);
    this.touched.delete(id);
    return key;
  }
}
