import type { AccessStore } from '../../ports/access.port.js';
import type { AuditLog } from '../../ports/audit.port.js';
import type { IdentityStore } from '../../ports/identity.port.js';
import { LoreError } from '../errors.js';
import { type AccessService, requireScope } from '../identity/access.service.js';
import type { Actor } from '../identity/accounts.service.js';
import type { CollectionGrant, GranteeType, Principal } from '../identity/identity.records.js';

/** A grant as the caller asks for it (a user may be named by email). */
export type RequestedGrant = Omit<CollectionGrant, 'collectionId' | 'createdAt'>;

/** Who a collection is shared with. */
export interface CollectionGrants {
  collectionId: string;
  ownerId?: string;
  grants: Omit<CollectionGrant, 'collectionId'>[];
}

export interface CollectionSharingDependencies {
  access: AccessService;
  accessStore: AccessStore;
  identity: IdentityStore;
  audit: AuditLog;
}

/**
 * Sharing of collections with users and groups as reader or editor. Only the owner (or an
 * administrator) sees and changes it; every grant and revocation is audited.
 *
 * @example
 * await sharing.replace(principal, collectionId, [{ granteeType: 'group', granteeId, permission: 'reader' }], actor);
 */
export class CollectionSharing {
  constructor(private readonly deps: CollectionSharingDependencies) {}

  async list(principal: Principal, collectionId: string): Promise<CollectionGrants> {
    await this.requireOwner(principal, collectionId, 'read');
    return this.snapshot(collectionId);
  }

  /** Replaces the grants: the ones not asked for are revoked, new or changed ones granted. */
  async replace(
    principal: Principal,
    collectionId: string,
    requested: readonly RequestedGrant[],
    actor: Actor,
  ): Promise<CollectionGrants> {
    await this.requireOwner(principal, collectionId, 'write');
    const { accessStore } = this.deps;
    const wanted = new Map<string, Omit<CollectionGrant, 'createdAt'>>();
    for (const grant of requested) {
      const granteeId = await this.resolveGrantee(grant.granteeType, grant.granteeId);
      wanted.set(`${grant.granteeType}:${granteeId}`, { ...grant, granteeId, collectionId });
    }
    const before = await accessStore.listGrants(collectionId);
    for (const grant of before) {
      if (wanted.has(`${grant.granteeType}:${grant.granteeId}`)) continue;
      await accessStore.revoke(collectionId, grant.granteeType, grant.granteeId);
      await this.audit(actor, 'collection.revoke', collectionId, {
        granteeType: grant.granteeType,
        granteeId: grant.granteeId,
      });
    }
    for (const grant of wanted.values()) {
      const previous = before.find(
        (old) => old.granteeType === grant.granteeType && old.granteeId === grant.granteeId,
      );
      if (previous?.permission === grant.permission) continue;
      await accessStore.grant(grant);
      await this.audit(actor, 'collection.grant', collectionId, {
        granteeType: grant.granteeType,
        granteeId: grant.granteeId,
        permission: grant.permission,
        ...(previous ? { previous: previous.permission } : {}),
      });
    }
    return this.snapshot(collectionId);
  }

  /** Removes one grant (none is fine); a user may be named by email. */
  async revoke(
    principal: Principal,
    collectionId: string,
    grantee: { granteeType: GranteeType; granteeId: string },
    actor: Actor,
  ): Promise<void> {
    await this.requireOwner(principal, collectionId, 'write');
    const { granteeType, granteeId } = grantee;
    const { accessStore, identity } = this.deps;
    const resolved =
      granteeType === 'user' && granteeId.includes('@')
        ? (await identity.getUserByEmail(granteeId))?.id
        : granteeId;
    const existing = (await accessStore.listGrants(collectionId)).find(
      (grant) => grant.granteeType === granteeType && grant.granteeId === resolved,
    );
    if (!existing) return;
    await accessStore.revoke(collectionId, granteeType, existing.granteeId);
    await this.audit(actor, 'collection.revoke', collectionId, {
      granteeType,
      granteeId: existing.granteeId,
    });
  }

  /** Throws not found when the caller cannot read the collection, forbidden when it can but does not own it. */
  private async requireOwner(principal: Principal, collectionId: string, scope: 'read' | 'write') {
    requireScope(principal, scope);
    const held = await this.deps.access.permissionOn(principal, collectionId);
    if (held === undefined) throw new LoreError('not_found', `no collection ${collectionId}`);
    if (held !== 'owner')
      throw new LoreError('forbidden', 'only the owner or an administrator can see and change sharing');
  }

  private async snapshot(collectionId: string): Promise<CollectionGrants> {
    const { accessStore } = this.deps;
    const ownerId = await accessStore.getCollectionOwner(collectionId);
    const grants = (await accessStore.listGrants(collectionId)).map(({ collectionId: _, ...grant }) => grant);
    return { collectionId, ...(ownerId ? { ownerId } : {}), grants };
  }

  private async resolveGrantee(type: GranteeType, id: string): Promise<string> {
    const { identity } = this.deps;
    if (type === 'group') {
      if (!(await identity.listGroups()).some((group) => group.id === id)) {
        throw new LoreError('invalid_request', `grants: no group ${id}`);
      }
      return id;
    }
    const user = id.includes('@') ? await identity.getUserByEmail(id) : await identity.getUser(id);
    if (!user) throw new LoreError('invalid_request', `grants: no user ${id}`);
    return user.id;
  }

  private async audit(actor: Actor, action: string, collectionId: string, details: Record<string, unknown>) {
    await this.deps.audit.append({
      ...(actor.userId ? { actorId: actor.userId } : {}),
      action,
      target: `collection:${collectionId}`,
      details,
      ...(actor.ip ? { ip: actor.ip } : {}),
    });
  }
}
