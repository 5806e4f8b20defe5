import { randomUUID } from 'node:crypto';
import { LoreError } from '../../../core/errors.js';
import type {
  ApiKey,
  ExternalIdentity,
  Group,
  Session,
  User,
} from '../../../core/identity/identity.records.js';
import type { IdentityStore, NewUser, UserPatch } from '../../../ports/identity.port.js';
import { type ApiKeyRow, keyColumns, toApiKey, toUser, type UserRow, userColumns } from '../identity-rows.js';
import { inTransaction, type PgPool } from './database.js';
import { iso } from './rows.js';

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/** Users, groups, sessions and API keys on PostgreSQL (mirrors SqliteIdentityStore; emails compare case-insensitively). */
export class PgIdentityStore implements IdentityStore {
  constructor(private readonly pool: PgPool) {}

  async countUsers(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM users')).rows[0]?.n ?? 0;
  }

  async createUser(user: NewUser): Promise<User> {
    const id = randomUUID();
    const createdAt = new Date().toISOString();
    try {
      await this.pool.query(
        `INSERT INTO users (id, email, name, role, disabled, password_hash, created_at)
         VALUES ($1, $2, $3, $4, false, $5, $6)`,
        [id, user.email.trim(), user.name, user.role, user.passwordHash ?? null, createdAt],
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new LoreError('conflict', `a user with the email ${user.email} already exists`);
      }
      throw error;
    }
    return { id, email: user.email.trim(), name: user.name, role: user.role, disabled: false, createdAt };
  }

  async getUser(id: string): Promise<User | undefined> {
    const result = await this.pool.query<UserRow>(`SELECT ${userColumns} FROM users WHERE id = $1`, [id]);
    return result.rows[0] && toUser(result.rows[0]);
  }

  async getUserByEmail(email: string): Promise<User | undefined> {
    const result = await this.pool.query<UserRow>(
      `SELECT ${userColumns} FROM users WHERE lower(email) = lower($1)`,
      [email.trim()],
    );
    return result.rows[0] && toUser(result.rows[0]);
  }

  async listUsers(): Promise<User[]> {
    const result = await this.pool.query<UserRow>(
      `SELECT ${userColumns} FROM users ORDER BY lower(email) COLLATE "C", email COLLATE "C"`,
    );
    return result.rows.map(toUser);
  }

  async updateUser(id: string, patch: UserPatch): Promise<User | undefined> {
    await this.pool.query(
      `UPDATE users SET
         name = coalesce($2, name),
         role = coalesce($3, role),
         disabled = coalesce($4, disabled),
         password_hash = coalesce($5, password_hash),
         last_login_at = coalesce($6::timestamptz, last_login_at)
       WHERE id = $1`,
      [
        id,
        patch.name ?? null,
        patch.role ?? null,
        patch.disabled ?? null,
        patch.passwordHash ?? null,
        patch.lastLoginAt ?? null,
      ],
    );
    return this.getUser(id);
  }

  async deleteUser(id: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query("DELETE FROM collection_grants WHERE grantee_type = 'user' AND grantee_id = $1", [
        id,
      ]);
      await client.query('UPDATE collections SET owner_id = NULL WHERE owner_id = $1', [id]);
      await client.query('DELETE FROM users WHERE id = $1', [id]);
    });
  }

  async getPasswordHash(userId: string): Promise<string | undefined> {
    const result = await this.pool.query<{ password_hash: string | null }>(
      'SELECT password_hash FROM users WHERE id = $1',
      [userId],
    );
    return result.rows[0]?.password_hash ?? undefined;
  }

  async linkExternalIdentity(identity: ExternalIdentity): Promise<void> {
    await this.pool.query(
      `INSERT INTO external_identities (issuer, subject, user_id) VALUES ($1, $2, $3)
       ON CONFLICT (issuer, subject) DO UPDATE SET user_id = excluded.user_id`,
      [identity.issuer, identity.subject, identity.userId],
    );
  }

  async findExternalIdentity(issuer: string, subject: string): Promise<ExternalIdentity | undefined> {
    const result = await this.pool.query<{ issuer: string; subject: string; user_id: string }>(
      'SELECT issuer, subject, user_id FROM external_identities WHERE issuer = $1 AND subject = $2',
      [issuer, subject],
    );
    const row = result.rows[0];
    return row && { issuer: row.issuer, subject: row.subject, userId: row.user_id };
  }

  async createGroup(name: string): Promise<Group> {
    const group = { id: randomUUID(), name: name.trim(), createdAt: new Date().toISOString() };
    try {
      await this.pool.query('INSERT INTO groups (id, name, created_at) VALUES ($1, $2, $3)', [
        group.id,
        group.name,
        group.createdAt,
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw new LoreError('conflict', `a group named ${name} already exists`);
      throw error;
    }
    return group;
  }

  async listGroups(): Promise<Group[]> {
    const result = await this.pool.query<{ id: string; name: string; created_at: Date }>(
      'SELECT id, name, created_at FROM groups ORDER BY name COLLATE "C"',
    );
    return result.rows.map((row) => ({ id: row.id, name: row.name, createdAt: iso(row.created_at) }));
  }

  async deleteGroup(id: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query("DELETE FROM collection_grants WHERE grantee_type = 'group' AND grantee_id = $1", [
        id,
      ]);
      await client.query('DELETE FROM groups WHERE id = $1', [id]);
    });
  }

  async setGroupMembers(groupId: string, userIds: readonly string[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM group_members WHERE group_id = $1', [groupId]);
      await client.query(
        'INSERT INTO group_members (group_id, user_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
        [groupId, [...new Set(userIds)]],
      );
    });
  }

  async listGroupMembers(groupId: string): Promise<string[]> {
    const result = await this.pool.query<{ user_id: string }>(
      'SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id COLLATE "C"',
      [groupId],
    );
    return result.rows.map((row) => row.user_id);
  }

  async groupsOf(userId: string): Promise<string[]> {
    const result = await this.pool.query<{ group_id: string }>(
      'SELECT group_id FROM group_members WHERE user_id = $1',
      [userId],
    );
    return result.rows.map((row) => row.group_id);
  }

  async createSession(session: Session): Promise<void> {
    await this.pool.query(
      'INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [session.tokenHash, session.userId, session.csrfToken, session.createdAt, session.expiresAt],
    );
  }

  async getSession(tokenHash: string): Promise<Session | undefined> {
    const result = await this.pool.query<{
      token_hash: string;
      user_id: string;
      csrf_token: string;
      created_at: Date;
      expires_at: Date;
    }>('SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = $1', [
      tokenHash,
    ]);
    const row = result.rows[0];
    return (
      row && {
        tokenHash: row.token_hash,
        userId: row.user_id,
        csrfToken: row.csrf_token,
        createdAt: iso(row.created_at),
        expiresAt: iso(row.expires_at),
      }
    );
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteUserSessions(userId: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    return (await this.pool.query('DELETE FROM sessions WHERE expires_at < $1', [now])).rowCount ?? 0;
  }

  async createApiKey(key: ApiKey, secretHash: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO api_keys (id, user_id, name, prefix, secret_hash, scopes, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        key.id,
        key.userId,
        key.name,
        key.prefix,
        secretHash,
        key.scopes,
        key.createdAt,
        key.expiresAt ?? null,
      ],
    );
  }

  async findApiKey(secretHash: string): Promise<ApiKey | undefined> {
    const result = await this.pool.query<ApiKeyRow>(
      `SELECT ${keyColumns} FROM api_keys WHERE secret_hash = $1`,
      [secretHash],
    );
    return result.rows[0] && toApiKey(result.rows[0]);
  }

  async listApiKeys(userId?: string): Promise<ApiKey[]> {
    const result = await this.pool.query<ApiKeyRow>(
      `SELECT ${keyColumns} FROM api_keys WHERE $1::text IS NULL OR user_id = $1 ORDER BY created_at`,
      [userId ?? null],
    );
    return result.rows.map(toApiKey);
  }

  async deleteApiKey(id: string): Promise<void> {
    await this.pool.query('DELETE FROM api_keys WHERE id = $1', [id]);
  }

  async touchApiKey(id: string, at: string): Promise<void> {
    await this.pool.query('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at, id]);
  }
}
