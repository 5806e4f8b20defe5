import {
  type CollectionGrant,
  type GranteeType,
  type Permission,
  strongest,
} from '../../../core/identity/identity.records.js';
import type { AccessStore } from '../../../ports/access.port.js';
import type { SqliteDatabase } from './database.js';

/** Collection ownership and grants in the embedded database. */
export class SqliteAccessStore implements AccessStore {
  constructor(private readonly db: SqliteDatabase) {}

  async setCollectionOwner(collectionId: string, userId: string | undefined): Promise<void> {
    this.db.prepare('UPDATE collections SET owner_id = ? WHERE id = ?').run(userId ?? null, collectionId);
  }

  async claimCollection(collectionId: string, userId: string): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE collections SET owner_id = ? WHERE id = ? AND owner_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM documents WHERE collection_id = collections.id)`,
      )
      .run(userId, collectionId);
    return result.changes > 0;
  }

  async getCollectionOwner(collectionId: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT owner_id FROM collections WHERE id = ?').get(collectionId) as
      | { owner_id: string | null }
      | undefined;
    return row?.owner_id ?? undefined;
  }

  async grant(grant: Omit<CollectionGrant, 'createdAt'>): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO collection_grants (collection_id, grantee_type, grantee_id, permission, created_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (collection_id, grantee_type, grantee_id) DO UPDATE SET permission = excluded.permission`,
      )
      .run(
        grant.collectionId,
        grant.granteeType,
        grant.granteeId,
        grant.permission,
        new Date().toISOString(),
      );
  }

  async revoke(collectionId: string, granteeType: GranteeType, granteeId: string): Promise<void> {
    this.db
      .prepare(
        'DELETE FROM collection_grants WHERE collection_id = ? AND grantee_type = ? AND grantee_id = ?',
      )
      .run(collectionId, granteeType, granteeId);
  }

  async listGrants(collectionId: string): Promise<CollectionGrant[]> {
    const rows = this.db
      .prepare(
        'SELECT collection_id, grantee_type, grantee_id, permission, created_at FROM collection_grants WHERE collection_id = ? ORDER BY created_at',
      )
      .all(collectionId) as {
      collection_id: string;
      grantee_type: GranteeType;
      grantee_id: string;
      permission: 'reader' | 'editor';
      created_at: string;
    }[];
    return rows.map((row) => ({
      collectionId: row.collection_id,
      granteeType: row.grantee_type,
      granteeId: row.grantee_id,
      permission: row.permission,
      createdAt: row.created_at,
    }));
  }

  async permissionsOf(userId: string, groupIds: readonly string[]): Promise<Map<string, Permission>> {
    const rows = this.db
      .prepare(
        `SELECT id AS collection_id, 'owner' AS permission FROM collections WHERE owner_id = @userId
         UNION ALL
         SELECT collection_id, permission FROM collection_grants
          WHERE (grantee_type = 'user' AND grantee_id = @userId)
             OR (grantee_type = 'group' AND grantee_id IN (SELECT value FROM json_each(@groups)))`,
      )
      .all({ userId, groups: JSON.stringify(groupIds) }) as {
      collection_id: string;
      permission: Permission;
    }[];
    const permissions = new Map<string, Permission>();
    for (const row of rows) {
      permissions.set(row.collection_id, strongest(permissions.get(row.collection_id), row.permission));
    }
    return permissions;
  }
}
