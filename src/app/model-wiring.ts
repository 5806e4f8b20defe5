import type { LoreConfig } from '../config/config.schema.js';
import type { AskDependencies } from '../core/answer/ask.service.js';
import { CollectionEmbeddings } from '../core/index-generation/collection-embeddings.service.js';
import {
  ActiveEmbedder,
  EmbeddingGenerations,
} from '../core/index-generation/embedding-generations.service.js';
import { QueryTransformingSearch } from '../core/search/query-transform.js';
import type { SearchService } from '../core/search/search.service.js';
import type { Embedder } from '../ports/embedder.port.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import type { Queue } from '../ports/queue.port.js';
import type { Reranker } from '../ports/reranker.port.js';
import type { Store } from '../ports/store.port.js';
import {
  createEmbedder,
  createLanguageModel,
  createModelRoutes,
  createProfileEmbedder,
  createReranker,
  embeddingProfiles,
} from './providers.js';

/** The model side of the app: providers, routing, generations, query transforms, prices. */
export interface WiredModels {
  /** The active generation's embedder (follows switches made by any process). */
  embedder?: Embedder;
  languageModel?: LanguageModel;
  reranker?: Reranker;
  /** Embedding index generations; undefined without an embedder. */
  generations?: EmbeddingGenerations;
  /** Per-collection embedding profiles; set with `generations`. */
  collectionEmbeddings?: CollectionEmbeddings;
  /** Extra AskService dependencies: routes, multi-query/HyDE search, prices. */
  askDependencies(search: SearchService): Pick<AskDependencies, 'routes' | 'transformingSearch' | 'prices'>;
}

/**
 * Builds the providers from config. With an embedder configured, the store's active generation is
 * reconciled with LORE_EMBEDDING_PROFILE: on a change a build is queued (kind `embedding-generation`,
 * run by EmbeddingGenerationRunner) and the old generation serves until it completes.
 */
export async function wireModels(
  config: LoreConfig,
  storage: { store: Store; queue: Queue },
  overrides: { embedder?: Embedder | null; languageModel?: LanguageModel | null } = {},
): Promise<WiredModels> {
  const languageModel =
    overrides.languageModel === null ? undefined : (overrides.languageModel ?? createLanguageModel(config));
  let embedder = overrides.embedder === null ? undefined : (overrides.embedder ?? createEmbedder(config));
  let generations: EmbeddingGenerations | undefined;
  let collectionEmbeddings: CollectionEmbeddings | undefined;
  if (embedder && overrides.embedder === undefined) {
    const profiles = embeddingProfiles(config);
    const embedderFor = (profile: string) => createProfileEmbedder(config, profile);
    generations = new EmbeddingGenerations({
      ...storage,
      embedderFor,
      collectionsUsing: (embedderId) =>
        collectionEmbeddings?.collectionsUsing(embedderId) ?? Promise.resolve([]),
    });
    collectionEmbeddings = new CollectionEmbeddings({ ...storage, embedderFor, deployment: generations });
    const state = await generations.reconcile(config.embeddingProfile);
    const active = state.active;
    const serving =
      active && active.embedderId !== embedder.id && profiles[active.profile]
        ? embedderFor(active.profile)
        : embedder;
    embedder = new ActiveEmbedder(
      generations,
      (profile) => (profiles[profile] ? embedderFor(profile) : undefined),
      serving,
    );
  }
  const reranker = createReranker(config);
  return {
    ...(embedder ? { embedder } : {}),
    ...(languageModel ? { languageModel } : {}),
    ...(reranker ? { reranker } : {}),
    ...(generations ? { generations } : {}),
    ...(collectionEmbeddings ? { collectionEmbeddings } : {}),
    askDependencies(search) {
      const routes = languageModel ? createModelRoutes(config, languageModel) : undefined;
      return {
        ...(routes ? { routes } : {}),
        ...(config.modelPrices ? { prices: config.modelPrices } : {}),
        ...(languageModel
          ? {
              transformingSearch: new QueryTransformingSearch({
                search,
                languageModel: routes?.small ?? languageModel,
                defaults: { transform: config.queryTransform, variants: config.queryTransformVariants },
              }),
            }
          : {}),
      };
    },
  };
}
