import type { Embedder } from '../../ports/embedder.port.js';
import type { DenseRetriever } from '../../ports/retriever.port.js';
import type { Store } from '../../ports/store.port.js';
import type {
  CollectionEmbeddingState,
  CollectionEmbeddings,
} from '../index-generation/collection-embeddings.service.js';
import type { SearchFilter } from '../records.js';

/** One dense ranking to run: an embedder, its index, and the collections it serves. */
export interface DenseRoute {
  embedder: Embedder;
  index: DenseRetriever;
  filter?: SearchFilter;
}

/**
 * Splits a dense search by the embedder serving each searched collection: collections that name
 * no profile (or whose profile's embedder is the deployment's) share the default index; every other
 * embedder gets its own list, restricted to its collections by the filter. With no collection on
 * its own embedder this is the single default route with the caller's filter.
 *
 * @example
 * const routes = new CollectionDenseRoutes({ store, collections, fallback, indexFor });
 * for (const route of await routes.routes(filter)) await route.index.search(vector, k, route.filter);
 */
export class CollectionDenseRoutes {
  /** Index per embedder, with the switches it was made after (a switch adds vectors: a fresh index loads them). */
  private readonly indexes = new Map<string, { stamp: string; index: DenseRetriever }>();

  constructor(
    private readonly deps: {
      store: Store;
      collections: CollectionEmbeddings;
      /** The deployment's embedder (follows its generation) and its index. */
      fallback: { embedder: Embedder; index: DenseRetriever };
      indexFor: (embedder: Embedder) => DenseRetriever;
    },
  ) {}

  async routes(filter?: SearchFilter): Promise<DenseRoute[]> {
    const states = await this.deps.collections.states();
    // Listed afresh: a collection created since the states were read is searched on the default index.
    const ids = filter?.collectionIds ?? (await this.deps.store.listCollections()).map((c) => c.id);
    const defaultId = this.deps.fallback.embedder.id;
    const own = new Map<string, { embedder: Embedder; collectionIds: string[] }>();
    const shared: string[] = [];
    for (const id of ids) {
      const active = states.get(id)?.active;
      const embedder = active ? this.deps.collections.embedder(active.profile) : undefined;
      if (!active || !embedder || embedder.id !== active.embedderId || embedder.id === defaultId) {
        shared.push(id);
        continue;
      }
      const group = own.get(embedder.id) ?? { embedder, collectionIds: [] };
      group.collectionIds.push(id);
      own.set(embedder.id, group);
    }
    const fallback = {
      embedder: this.deps.fallback.embedder,
      index: this.indexOf(this.deps.fallback.embedder, states),
    };
    if (own.size === 0) return [{ ...fallback, ...(filter ? { filter } : {}) }];
    const routes: DenseRoute[] = [];
    if (shared.length > 0) routes.push({ ...fallback, filter: { ...filter, collectionIds: shared } });
    for (const group of own.values()) {
      routes.push({
        embedder: group.embedder,
        index: this.indexOf(group.embedder, states),
        filter: { ...filter, collectionIds: group.collectionIds },
      });
    }
    return routes;
  }

  /** The embedder's index, made afresh after a collection switched to it (the switch added vectors). */
  private indexOf(embedder: Embedder, states: Map<string, CollectionEmbeddingState>): DenseRetriever {
    const stamp = [...states.values()]
      .filter((state) => state.active?.embedderId === embedder.id)
      .map((state) => state.active?.since)
      .sort()
      .join('|');
    const cached = this.indexes.get(embedder.id);
    if (cached && cached.stamp === stamp) return cached.index;
    const index =
      !cached && embedder === this.deps.fallback.embedder
        ? this.deps.fallback.index
        : this.deps.indexFor(embedder);
    this.indexes.set(embedder.id, { stamp, index });
    return index;
  }
}
