import type { AccessStore } from '../../ports/access.port.js';
import type { AuditLog } from '../../ports/audit.port.js';
import type { Store } from '../../ports/store.port.js';
import { LoreError } from '../errors.js';
import type { AccessService } from '../identity/access.service.js';
import type { Permission, Principal } from '../identity/identity.records.js';
import type {
  CollectionEmbeddings,
  CollectionEmbeddingView,
} from '../index-generation/collection-embeddings.service.js';
import type { Collection } from '../records.js';
import { checkCollectionName } from './collection-name.js';

/** A collection as its reader sees it: with the reader's permission and the document count. */
export interface CollectionView extends Collection {
  permission: Permission;
  documentCount: number;
  embedding?: CollectionEmbeddingView;
}

export interface CollectionPatch {
  name?: string;
  description?: string;
  /** A named embedding profile; a change builds a new generation in the background. */
  embeddingProfile?: string;
}

export interface CollectionsDependencies {
  store: Store;
  access: AccessService;
  accessStore: AccessStore;
  audit: AuditLog;
  /** Per-collection embedding profiles; absent when no embedder is configured. */
  embeddings?: CollectionEmbeddings;
}

/**
 * Collections as callers manage them: list the readable ones, create (owned by the caller), rename,
 * describe, change the embedding profile, delete (audited). Every call checks the principal's
 * permission; a collection it cannot read is reported as not found. Sharing is `CollectionSharing`.
 *
 * @example
 * const collection = await collections.create(principal, 'handbook', 'HR policies');
 */
export class CollectionsService {
  constructor(private readonly deps: CollectionsDependencies) {}

  /** The collections the principal can read, with its permission on each. */
  async list(principal: Principal): Promise<CollectionView[]> {
    const readable = await this.readable(principal);
    const counts = await this.deps.store.documentCounts();
    return readable.map(({ collection, permission }) => ({
      ...collection,
      permission: permission ?? 'owner',
      documentCount: counts.get(collection.id) ?? 0,
    }));
  }

  /**
   * The readable collections in store order; `permission` is absent where the principal reaches
   * every collection (an administrator, the local user).
   */
  async readable(principal: Principal): Promise<{ collection: Collection; permission?: Permission }[]> {
    const { access, store } = this.deps;
    await access.readFilter(principal);
    const permissions = await access.permissions(principal);
    return (await store.listCollections())
      .filter((collection) => permissions === undefined || permissions.has(collection.id))
      .map((collection) => {
        const permission = permissions?.get(collection.id);
        return { collection, ...(permission ? { permission } : {}) };
      });
  }

  /**
   * A readable collection by its name or else its id (tool arguments). Throws LoreError `not_found`
   * for one that does not exist or that the caller cannot read.
   */
  async readableNamed(principal: Principal, nameOrId: string): Promise<Collection> {
    const readable = await this.readable(principal);
    const found =
      readable.find((entry) => entry.collection.name === nameOrId) ??
      readable.find((entry) => entry.collection.id === nameOrId);
    if (!found) throw new LoreError('not_found', `no collection ${nameOrId}`);
    return found.collection;
  }

  async get(principal: Principal, id: string): Promise<CollectionView> {
    const { collection, permission } = await this.reachable(principal, id, 'reader');
    return this.present(collection, permission);
  }

  /** A new collection owned by the principal; the name must be free. */
  async create(principal: Principal, name: string, description: string): Promise<CollectionView> {
    const collection = await this.createOwned(principal, checkCollectionName(name), description);
    return this.present(collection, 'owner');
  }

  /** Rename or describe a collection, or change its embedding profile (owner). */
  async update(principal: Principal, id: string, patch: CollectionPatch): Promise<CollectionView> {
    const { collection, permission } = await this.reachable(principal, id, 'owner');
    const embeddings =
      patch.embeddingProfile === undefined ? undefined : this.embeddingsFor(patch.embeddingProfile);
    const updated = await this.deps.store.updateCollection(collection.id, {
      ...(patch.name === undefined ? {} : { name: checkCollectionName(patch.name) }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
    });
    if (embeddings && patch.embeddingProfile !== undefined)
      await embeddings.requestChange(updated ?? collection, patch.embeddingProfile, principal.userId);
    return this.present(updated ?? collection, permission);
  }

  /** Deletes the collection with all its documents (owner), with an audit entry. */
  async delete(principal: Principal, id: string): Promise<void> {
    const { collection } = await this.reachable(principal, id, 'owner');
    await this.deps.store.deleteCollection(collection.id);
    await this.deps.audit.append({
      ...(principal.userId ? { actorId: principal.userId } : {}),
      action: 'collection.delete',
      target: `collection:${collection.id}`,
      details: { name: collection.name },
    });
  }

  /**
   * The collection an upload goes to: an existing one the caller may edit, or a new one the caller
   * owns. Without a name: `default` on an install without user management, else the caller's own.
   */
  async uploadTarget(principal: Principal, requested: string | undefined): Promise<Collection> {
    const name = checkCollectionName(
      requested ?? (principal.userId ? `${principal.email ?? principal.userId}` : 'default'),
    );
    const { store, access } = this.deps;
    const existing = (await store.getCollectionByName(name)) ?? (await store.getCollection(name));
    if (existing) {
      try {
        await access.require(principal, existing.id, 'editor');
      } catch (error) {
        // Named as the caller named it: the id of a collection it cannot read would leak.
        if (LoreError.is(error) && error.code === 'not_found')
          throw new LoreError('not_found', `no collection ${name}`);
        throw error;
      }
      return existing;
    }
    return this.createOwned(principal, name, '');
  }

  /** The collection and the caller's permission, requiring `needed` (unreadable ones are not found). */
  async reachable(
    principal: Principal,
    id: string,
    needed: Permission,
  ): Promise<{ collection: Collection; permission: Permission }> {
    const { access, store } = this.deps;
    await access.require(principal, id, needed);
    const collection = await store.getCollection(id);
    const permission = await access.permissionOn(principal, id);
    if (!collection || !permission) throw new Error(`collection ${id} vanished`);
    return { collection, permission };
  }

  private async present(collection: Collection, permission: Permission): Promise<CollectionView> {
    const embedding = await this.deps.embeddings?.view(collection.id);
    return {
      ...collection,
      permission,
      documentCount: (await this.deps.store.documentCounts()).get(collection.id) ?? 0,
      ...(embedding ? { embedding } : {}),
    };
  }

  /** Creates a collection owned by the principal (none for the local user). */
  private async createOwned(principal: Principal, name: string, description: string): Promise<Collection> {
    const { store, accessStore } = this.deps;
    if (!principal.scopes.includes('write'))
      throw new LoreError('forbidden', 'this credential lacks the write scope');
    if (await store.getCollectionByName(name)) {
      throw new LoreError('conflict', `a collection named ${name} already exists`);
    }
    const collection = await store.ensureCollection(name);
    // Someone else created the name meanwhile: theirs, not ours.
    if (principal.userId && !(await accessStore.claimCollection(collection.id, principal.userId))) {
      throw new LoreError('conflict', `a collection named ${name} already exists`);
    }
    const updated = description ? await store.updateCollection(collection.id, { description }) : collection;
    return { ...(updated ?? collection), ...(principal.userId ? { ownerId: principal.userId } : {}) };
  }

  private embeddingsFor(profile: string): CollectionEmbeddings {
    const embeddings = this.deps.embeddings;
    if (!embeddings) throw new LoreError('invalid_request', 'No embedder is configured on this server.');
    try {
      embeddings.embedder(profile);
    } catch {
      throw new LoreError('invalid_request', `No embedding profile "${profile}" (LORE_EMBEDDING_PROFILES).`);
    }
    return embeddings;
  }
}
