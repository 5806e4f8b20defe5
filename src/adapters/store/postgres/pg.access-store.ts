import {
  type CollectionGrant,
  type GranteeType,
  type Permission,
  strongest,
} from '../../../core/identity/identity.records.js';
import type { AccessStore } from '../../../ports/access.port.js';
import type { Queryable } from './database.js';
import { iso } from './rows.js';

/** Collection ownership and grants on PostgreSQL (mirrors SqliteAccessStore). */
export class PgAccessStore implements AccessStore {
  constructor(private readonly db: Queryable) {}

  async setCollectionOwner(collectionId: string, userId: string | undefined): Promise<void> {
    await this.db.query('UPDATE collections SET owner_id = $1 WHERE id = $2', [userId ?? null, collectionId]);
  }

  async claimCollection(collectionId: string, userId: string): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE collections SET owner_id = $1 WHERE id = $2 AND owner_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM documents WHERE collection_id = collections.id)`,
      [userId, collectionId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async getCollectionOwner(collectionId: string): Promise<string | undefined> {
    const result = await this.db.query<{ owner_id: string | null }>(
      'SELECT owner_id FROM collections WHERE id = $1',
      [collectionId],
    );
    return result.rows[0]?.owner_id ?? undefined;
  }

  async grant(grant: Omit<CollectionGrant, 'createdAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO collection_grants (collection_id, grantee_type, grantee_id, permission, created_at)
       VALUES ($1, $2, $3, $4, clock_timestamp())
       ON CONFLICT (collection_id, grantee_type, grantee_id) DO UPDATE SET permission = excluded.permission`,
      [grant.collectionId, grant.granteeType, grant.granteeId, grant.permission],
    );
  }

  async revoke(collectionId: string, granteeType: GranteeType, granteeId: string): Promise<void> {
    await this.db.query(
      'DELETE FROM collection_grants WHERE collection_id = $1 AND grantee_type = $2 AND grantee_id = $3',
      [collectionId, granteeType, granteeId],
    );
  }

  async listGrants(collectionId: string): Promise<CollectionGrant[]> {
    const result = await this.db.query<{
      collection_id: string;
      grantee_type: GranteeType;
      grantee_id: string;
      permission: 'reader' | 'editor';
      created_at: Date;
    }>(
      `SELECT collection_id, grantee_type, grantee_id, permission, created_at FROM collection_grants
       WHERE collection_id = $1 ORDER BY created_at`,
      [collectionId],
    );
    return result.rows.map((row) => ({
      collectionId: row.collection_id,
      granteeType: row.grantee_type,
      granteeId: row.grantee_id,
      permission: row.permission,
      createdAt: iso(row.created_at),
    }));
  }

  async permissionsOf(userId: string, groupIds: readonly string[]): Promise<Map<string, Permission>> {
    const result = await this.db.query<{ collection_id: string; permission: Permission }>(
      `SELECT id AS collection_id, 'owner' AS permission FROM collections WHERE owner_id = $1
       UNION ALL
       SELECT collection_id, permission FROM collection_grants
        WHERE (grantee_type = 'user' AND grantee_id = $1)
           OR (grantee_type = 'group' AND grantee_id = ANY($2::text[]))`,
      [userId, groupIds],
    );
    const permissions = new Map<string, Permission>();
    for (const row of result.rows) {
      permissions.set(row.collection_id, strongest(permissions.get(row.collection_id), row.permission));
    }
    return permissions;
  }
}
