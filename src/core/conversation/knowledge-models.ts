import type { Store } from '../../ports/store.port.js';
import type { CollectionsService } from '../collections/collections.service.js';
import { LoreError } from '../errors.js';
import type { AccessService } from '../identity/access.service.js';
import type { Permission, Principal } from '../identity/identity.records.js';
import type { Collection, SearchFilter } from '../records.js';

/** The model that answers from every collection the caller may read. */
export const allCollectionsModel = 'lore';
const collectionModelPrefix = `${allCollectionsModel}/`;

/** A knowledge base offered as a model to OpenAI-compatible and MCP clients. */
export interface KnowledgeModel {
  /** `lore` (every readable collection) or `lore/<collection name>`. */
  id: string;
  /** Absent for `lore`. */
  collection?: Collection;
  /** The caller's permission on the collection; absent for `lore` or when the caller reaches everything. */
  permission?: Permission;
  createdAt: string;
}

/** A collection as the caller sees it, with the model id that answers from it. */
export interface ReadableCollection {
  collection: Collection;
  permission?: Permission;
  model: string;
}

/**
 * Turns collections into models and back, always through the caller's permissions: a collection
 * the caller cannot read is reported exactly like one that does not exist.
 *
 * @example
 * const { filter } = await models.resolve(principal, 'lore/handbook');
 * for await (const event of chat.chat({ principal, question, filter, channel: 'openai' })) …
 */
export class KnowledgeModels {
  constructor(
    private readonly deps: { store: Store; access: AccessService; collections: CollectionsService },
  ) {}

  /** The collections the principal may read, by name. */
  async readableCollections(principal: Principal): Promise<ReadableCollection[]> {
    return (await this.deps.collections.readable(principal))
      .sort((a, b) => a.collection.name.localeCompare(b.collection.name))
      .map((entry) => ({ ...entry, model: modelIdOf(entry.collection) }));
  }

  /** `lore` first, then one model per readable collection. */
  async list(principal: Principal): Promise<KnowledgeModel[]> {
    const readable = await this.readableCollections(principal);
    const earliest = readable.map((entry) => entry.collection.createdAt).sort()[0];
    return [
      { id: allCollectionsModel, createdAt: earliest ?? new Date(0).toISOString() },
      ...readable.map(
        ({ collection, permission, model }): KnowledgeModel => ({
          id: model,
          collection,
          ...(permission ? { permission } : {}),
          createdAt: collection.createdAt,
        }),
      ),
    ];
  }

  /**
   * The model named `id` with the filter its answers must use. Throws LoreError `not_found` (details
   * `{model}`) for an unknown model and for a collection the caller cannot read.
   */
  async resolve(principal: Principal, id: string): Promise<{ model: KnowledgeModel; filter: SearchFilter }> {
    // The scope first: a credential that cannot read learns nothing about which models exist.
    await this.deps.access.readFilter(principal);
    if (id === allCollectionsModel) {
      const [all] = await this.list(principal);
      return { model: all!, filter: await this.deps.access.readFilter(principal) };
    }
    const name = id.startsWith(collectionModelPrefix) ? id.slice(collectionModelPrefix.length) : undefined;
    const collection = name ? await this.deps.store.getCollectionByName(name) : undefined;
    if (!collection) throw modelNotFound(id);
    const entry = (await this.readableCollections(principal)).find(
      (readable) => readable.collection.id === collection.id,
    );
    if (!entry) throw modelNotFound(id);
    const filter = await this.deps.access.readFilter(principal, { collectionIds: [collection.id] });
    return {
      model: {
        id,
        collection,
        ...(entry.permission ? { permission: entry.permission } : {}),
        createdAt: collection.createdAt,
      },
      filter,
    };
  }
}

/** `lore/<collection name>`. */
export function modelIdOf(collection: Pick<Collection, 'name'>): string {
  return `${collectionModelPrefix}${collection.name}`;
}

function modelNotFound(id: string): LoreError {
  return new LoreError('not_found', `The model \`${id}\` does not exist or you do not have access to it.`, {
    details: { model: id },
  });
}
