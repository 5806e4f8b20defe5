/** Accounts, groups, credentials and permissions. */

export type Role = 'admin' | 'member';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt?: string;
}

export interface Group {
  id: string;
  name: string;
  createdAt: string;
}

/** What an API key may do. `read`: search, ask, list; `write`: upload, delete; `admin`: admin endpoints. */
export type ApiScope = 'read' | 'write' | 'admin';
export const apiScopes: readonly ApiScope[] = ['read', 'write', 'admin'];

/** An API key as listed; the secret itself is shown once and only its hash is stored. */
export interface ApiKey {
  id: string;
  userId: string;
  name: string;
  /** First characters of the key, to recognise it in a list. */
  prefix: string;
  scopes: ApiScope[];
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
}

/** A browser session; `tokenHash` is the sha256 of the cookie value. */
export interface Session {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

/** Link from an external identity (OIDC issuer + subject, or JWT issuer + subject) to a user. */
export interface ExternalIdentity {
  issuer: string;
  subject: string;
  userId: string;
}

/** Access to one collection. Owners can also share and delete it. */
export type Permission = 'reader' | 'editor' | 'owner';
const permissionRank: Record<Permission, number> = { reader: 1, editor: 2, owner: 3 };

/** True when `held` includes everything `needed` allows. */
export function permits(held: Permission | undefined, needed: Permission): boolean {
  return held !== undefined && permissionRank[held] >= permissionRank[needed];
}

/** The stronger of two permissions. */
export function strongest(a: Permission | undefined, b: Permission): Permission {
  return a !== undefined && permissionRank[a] >= permissionRank[b] ? a : b;
}

export type GranteeType = 'user' | 'group';

/** A collection shared with a user or a group. */
export interface CollectionGrant {
  collectionId: string;
  granteeType: GranteeType;
  granteeId: string;
  permission: Exclude<Permission, 'owner'>;
  createdAt: string;
}

/** One line of the audit log. */
export interface AuditEntry {
  id: number;
  at: string;
  /** User who acted; absent for the system or an anonymous caller (e.g. a failed sign-in). */
  actorId?: string;
  action: string;
  /** What was acted on, e.g. `user:…`, `collection:…`, `document:…`. */
  target?: string;
  details: Record<string, unknown>;
  ip?: string;
}

/**
 * Who is calling. `local` is the single user of an embedded install with user management off;
 * it may do everything. Every read path narrows retrieval to what the principal may read.
 */
export interface Principal {
  kind: 'user' | 'local';
  userId?: string;
  email?: string;
  role: Role;
  groupIds: readonly string[];
  /** What the credential allows (sessions and JWTs: all the user's rights; API keys: their scopes). */
  scopes: readonly ApiScope[];
  via: 'session' | 'jwt' | 'api-key' | 'local';
  /** The API key's id when `via` is `api-key` (rate limits and audit lines are per key). */
  credentialId?: string;
}

/** The principal of an install without user management. */
export const localPrincipal: Principal = {
  kind: 'local',
  role: 'admin',
  groupIds: [],
  scopes: apiScopes,
  via: 'local',
};
