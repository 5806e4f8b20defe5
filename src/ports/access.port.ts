import type { CollectionGrant, GranteeType, Permission } from '../core/identity/identity.records.js';

/** Ownership and sharing of collections. */
export interface AccessStore {
  setCollectionOwner(collectionId: string, userId: string | undefined): Promise<void>;
  /**
   * Makes `userId` the owner of a collection that has no owner and no documents yet (one just
   * created); false when it has either, so two callers racing to create one name never share it.
   */
  claimCollection(collectionId: string, userId: string): Promise<boolean>;
  getCollectionOwner(collectionId: string): Promise<string | undefined>;
  /** Creates or changes a grant. */
  grant(grant: Omit<CollectionGrant, 'createdAt'>): Promise<void>;
  revoke(collectionId: string, granteeType: GranteeType, granteeId: string): Promise<void>;
  listGrants(collectionId: string): Promise<CollectionGrant[]>;
  /**
   * The strongest permission a user holds on each collection it can reach: as owner, through a
   * user grant or through a grant to one of `groupIds`. Collections without any entry are absent.
   */
  permissionsOf(userId: string, groupIds: readonly string[]): Promise<Map<string, Permission>>;
}
