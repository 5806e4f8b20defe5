import type { AccessStore } from '../../ports/access.port.js';
import type { Store } from '../../ports/store.port.js';
import { LoreError } from '../errors.js';
import type { SearchFilter } from '../records.js';
import { type ApiScope, type Permission, type Principal, permits } from './identity.records.js';

/**
 * Decides what a principal may read and change. Retrieval never filters after the fact: callers
 * turn the principal into a `SearchFilter` whose collection set is applied inside the index scan.
 * Admins and the local principal (user management off) reach every collection.
 */
export class AccessService {
  constructor(private readonly deps: { access: AccessStore; store: Store }) {}

  /** Collections the principal can read with their permission; undefined means every collection. */
  async permissions(principal: Principal): Promise<Map<string, Permission> | undefined> {
    if (principal.kind === 'local' || principal.role === 'admin') return undefined;
    if (!principal.userId) return new Map();
    return this.deps.access.permissionsOf(principal.userId, principal.groupIds);
  }

  /** The principal's permission on one collection, or undefined when it cannot read it. */
  async permissionOn(principal: Principal, collectionId: string): Promise<Permission | undefined> {
    const permissions = await this.permissions(principal);
    if (permissions === undefined) {
      return (await this.deps.store.getCollection(collectionId)) ? 'owner' : undefined;
    }
    return permissions.get(collectionId);
  }

  /**
   * Throws unless the principal holds `needed` on the collection. A collection the principal cannot
   * read is reported as not found, so its existence does not leak.
   */
  async require(principal: Principal, collectionId: string, needed: Permission): Promise<void> {
    const held = await this.permissionOn(principal, collectionId);
    if (held === undefined) throw new LoreError('not_found', `no collection ${collectionId}`);
    if (!permits(held, needed)) {
      throw new LoreError(
        'forbidden',
        `this needs ${needed} access to the collection; you have ${held} access`,
      );
    }
    requireScope(principal, needed === 'reader' ? 'read' : 'write');
  }

  /**
   * The filter a read must use: the requested collections narrowed to the readable ones. A request
   * for a collection the principal cannot read yields an empty set (no results), not an error.
   */
  async readFilter(principal: Principal, requested: SearchFilter = {}): Promise<SearchFilter> {
    requireScope(principal, 'read');
    const permissions = await this.permissions(principal);
    if (permissions === undefined) return requested;
    const readable = [...permissions.keys()];
    const collectionIds = requested.collectionIds
      ? requested.collectionIds.filter((id) => permissions.has(id))
      : readable;
    return { ...requested, collectionIds };
  }
}

/** Throws unless the principal's credential carries the scope. */
export function requireScope(principal: Principal, scope: ApiScope): void {
  if (!principal.scopes.includes(scope)) {
    throw new LoreError('forbidden', `this credential lacks the ${scope} scope`);
  }
  if (scope === 'admin' && principal.role !== 'admin') {
    throw new LoreError('forbidden', 'this needs an administrator');
  }
}
