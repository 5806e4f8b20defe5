import { OpenSearchEngine } from '../adapters/search/opensearch/opensearch-engine.js';
import type { LoreConfig } from '../config/config.schema.js';
import type { Bm25Params } from '../core/search/bm25.js';
import type { Embedder } from '../ports/embedder.port.js';
import type { Store } from '../ports/store.port.js';

/**
 * The external search engine LORE_SEARCH_URL names (OpenSearch), or undefined: then retrieval stays
 * inside the database (in-memory indexes on SQLite, SQL on PostgreSQL). Connecting sends nothing;
 * the first search catches the index up with the Store (building it when it does not exist yet).
 */
export function openSearchEngine(
  config: LoreConfig,
  store: Store,
  bm25: Bm25Params,
  activeEmbedder: () => Embedder | undefined,
): OpenSearchEngine | undefined {
  if (!config.searchUrl) return undefined;
  return OpenSearchEngine.connect(
    store,
    {
      connection: {
        url: config.searchUrl,
        ...(config.searchAwsRegion
          ? { awsRegion: config.searchAwsRegion, awsService: config.searchAwsService }
          : {}),
      },
      indexPrefix: config.searchIndexPrefix,
      bm25,
      efSearch: config.searchEfSearch,
      replicas: config.searchReplicas,
    },
    activeEmbedder,
  );
}
