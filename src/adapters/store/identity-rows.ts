import type { ApiKey, ApiScope, Role, User } from '../../core/identity/identity.records.js';
import { type Instant, instantText, type JsonColumn, jsonColumn } from './row-values.js';

/** A `users` row (PostgreSQL: boolean and timestamps; SQLite: 0/1 and ISO text). */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean | number;
  created_at: Instant;
  last_login_at: Instant | null;
}

/** An `api_keys` row without its hash (scopes: jsonb or JSON text). */
export interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  scopes: JsonColumn<ApiScope[]>;
  created_at: Instant;
  expires_at: Instant | null;
  last_used_at: Instant | null;
}

export const userColumns = 'id, email, name, role, disabled, created_at, last_login_at';
export const keyColumns = 'id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at';

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled === true || row.disabled === 1,
    createdAt: instantText(row.created_at),
    ...(row.last_login_at ? { lastLoginAt: instantText(row.last_login_at) } : {}),
  };
}

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    scopes: jsonColumn(row.scopes),
    createdAt: instantText(row.created_at),
    ...(row.expires_at ? { expiresAt: instantText(row.expires_at) } : {}),
    ...(row.last_used_at ? { lastUsedAt: instantText(row.last_used_at) } : {}),
  };
}
