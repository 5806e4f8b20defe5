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
import type { SqliteDatabase } from './database.js';

/** Users, groups, sessions and API keys in the embedded database. */
export class SqliteIdentityStore implements IdentityStore {
  constructor(private readonly db: SqliteDatabase) {}

  async countUsers(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  async createUser(user: NewUser): Promise<User> {
    const id = randomUUID();
    const createdAt = new Date().toISOString();
    try {
      this.db
        .prepare(
          'INSERT INTO users (id, email, name, role, disabled, password_hash, created_at) VALUES (?, ?, ?, ?, 0, ?, ?)',
        )
        .run(id, user.email.trim(), user.name, user.role, user.passwordHash ?? null, createdAt);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new LoreError('conflict', `a user with the email ${user.email} already exists`);
      }
      throw error;
    }
    return { id, email: user.email.trim(), name: user.name, role: user.role, disabled: false, createdAt };
  }

  async getUser(id: string): Promise<User | undefined> {
    const row = this.db.prepare(`SELECT ${userColumns} FROM users WHERE id = ?`).get(id) as
      | UserRow
      | undefined;
    return row && toUser(row);
  }

  async getUserByEmail(email: string): Promise<User | undefined> {
    const row = this.db.prepare(`SELECT ${userColumns} FROM users WHERE email = ?`).get(email.trim()) as
      | UserRow
      | undefined;
    return row && toUser(row);
  }

  async listUsers(): Promise<User[]> {
    return (this.db.prepare(`SELECT ${userColumns} FROM users ORDER BY email`).all() as UserRow[]).map(
      toUser,
    );
  }

  async updateUser(id: string, patch: UserPatch): Promise<User | undefined> {
    this.db
      .prepare(
        `UPDATE users SET
           name = coalesce(@name, name),
           role = coalesce(@role, role),
           disabled = coalesce(@disabled, disabled),
           password_hash = coalesce(@passwordHash, password_hash),
           last_login_at = coalesce(@lastLoginAt, last_login_at)
         WHERE id = @id`,
      )
      .run({
        id,
        name: patch.name ?? null,
        role: patch.role ?? null,
        disabled: patch.disabled === undefined ? null : patch.disabled ? 1 : 0,
        passwordHash: patch.passwordHash ?? null,
        lastLoginAt: patch.lastLoginAt ?? null,
      });
    return this.getUser(id);
  }

  async deleteUser(id: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM collection_grants WHERE grantee_type = 'user' AND grantee_id = ?").run(id);
      this.db.prepare('UPDATE collections SET owner_id = NULL WHERE owner_id = ?').run(id);
      this.db.prepare('DELETE FROM users WHERE id = ?').run(id);
    })();
  }

  async getPasswordHash(userId: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(userId) as
      | { password_hash: string | null }
      | undefined;
    return row?.password_hash ?? undefined;
  }

  async linkExternalIdentity(identity: ExternalIdentity): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO external_identities (issuer, subject, user_id) VALUES (?, ?, ?) ON CONFLICT (issuer, subject) DO UPDATE SET user_id = excluded.user_id',
      )
      .run(identity.issuer, identity.subject, identity.userId);
  }

  async findExternalIdentity(issuer: string, subject: string): Promise<ExternalIdentity | undefined> {
    const row = this.db
      .prepare('SELECT issuer, subject, user_id FROM external_identities WHERE issuer = ? AND subject = ?')
      .get(issuer, subject) as { issuer: string; subject: string; user_id: string } | undefined;
    return row && { issuer: row.issuer, subject: row.subject, userId: row.user_id };
  }

  async createGroup(name: string): Promise<Group> {
    const group = { id: randomUUID(), name: name.trim(), createdAt: new Date().toISOString() };
    try {
      this.db
        .prepare('INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?)')
        .run(group.id, group.name, group.createdAt);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new LoreError('conflict', `a group named ${name} already exists`);
      }
      throw error;
    }
    return group;
  }

  async listGroups(): Promise<Group[]> {
    const rows = this.db.prepare('SELECT id, name, created_at FROM groups ORDER BY name').all() as {
      id: string;
      name: string;
      created_at: string;
    }[];
    return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at }));
  }

  async deleteGroup(id: string): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare("DELETE FROM collection_grants WHERE grantee_type = 'group' AND grantee_id = ?")
        .run(id);
      this.db.prepare('DELETE FROM groups WHERE id = ?').run(id);
    })();
  }

  async setGroupMembers(groupId: string, userIds: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM group_members WHERE group_id = ?').run(groupId);
      const insert = this.db.prepare('INSERT INTO group_members (group_id, user_id) VALUES (?, ?)');
      for (const userId of new Set(userIds)) insert.run(groupId, userId);
    })();
  }

  async listGroupMembers(groupId: string): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT user_id FROM group_members WHERE group_id = ? ORDER BY user_id')
      .all(groupId) as { user_id: string }[];
    return rows.map((row) => row.user_id);
  }

  async groupsOf(userId: string): Promise<string[]> {
    const rows = this.db.prepare('SELECT group_id FROM group_members WHERE user_id = ?').all(userId) as {
      group_id: string;
    }[];
    return rows.map((row) => row.group_id);
  }

  async createSession(session: Session): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(session.tokenHash, session.userId, session.csrfToken, session.createdAt, session.expiresAt);
  }

  async getSession(tokenHash: string): Promise<Session | undefined> {
    const row = this.db
      .prepare(
        'SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions WHERE token_hash = ?',
      )
      .get(tokenHash) as
      | { token_hash: string; user_id: string; csrf_token: string; created_at: string; expires_at: string }
      | undefined;
    return (
      row && {
        tokenHash: row.token_hash,
        userId: row.user_id,
        csrfToken: row.csrf_token,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      }
    );
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  async deleteUserSessions(userId: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now).changes;
  }

  async createApiKey(key: ApiKey, secretHash: string): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO api_keys (id, user_id, name, prefix, secret_hash, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        key.id,
        key.userId,
        key.name,
        key.prefix,
        secretHash,
        JSON.stringify(key.scopes),
        key.createdAt,
        key.expiresAt ?? null,
      );
  }

  async findApiKey(secretHash: string): Promise<ApiKey | undefined> {
    const row = this.db.prepare(`SELECT ${keyColumns} FROM api_keys WHERE secret_hash = ?`).get(secretHash) as
      | ApiKeyRow
      | undefined;
    return row && toApiKey(row);
  }

  async listApiKeys(userId?: string): Promise<ApiKey[]> {
    const rows = this.db
      .prepare(`SELECT ${keyColumns} FROM api_keys WHERE (? IS NULL OR user_id = ?) ORDER BY created_at`)
      .all(userId ?? null, userId ?? null) as ApiKeyRow[];
    return rows.map(toApiKey);
  }

  async deleteApiKey(id: string): Promise<void> {
    this.db.prepare('DELETE FROM api_keys WHERE id = ?').run(id);
  }

  async touchApiKey(id: string, at: string): Promise<void> {
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, id);
  }
}
