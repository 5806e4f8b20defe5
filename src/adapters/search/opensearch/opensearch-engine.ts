import type { Bm25Params } from '../../../core/search/bm25.js';
import type { Embedder } from '../../../ports/embedder.port.js';
import type { DenseRetriever, LexicalRetriever } from '../../../ports/retriever.port.js';
import type { Store } from '../../../ports/store.port.js';
import { connectOpenSearch, type OpenSearchConnection, type SearchCluster } from './os-client.js';
import { type BuildReport, type IndexerOptions, OpenSearchIndexer } from './os-indexer.js';
import { indexNames } from './os-layout.js';
import { OpenSearchDenseRetriever, OpenSearchLexicalRetriever } from './os-retrievers.js';

export interface OpenSearchEngineOptions extends Partial<IndexerOptions> {
  connection: OpenSearchConnection;
  /** Prefix of every index and alias Lore creates. */
  indexPrefix: string;
  bm25: Bm25Params;
  /** HNSW candidate list per k-NN search. */
  efSearch: number;
}

/**
 * Search in OpenSearch (LORE_SEARCH_URL): one chunk index per embedder generation, kept in step with
 * the Store by an `OpenSearchIndexer` each. The lexical retriever queries the active embedder's index
 * (its `id` is read at each search, so a generation switch moves it), the dense retriever of an
 * embedder queries that embedder's. Fusion stays Lore's (`SearchService`): the two lists come back
 * separately and are fused with the same RRF and weights as on the other backends.
 */
export class OpenSearchEngine {
  readonly lexical: LexicalRetriever;
  private readonly indexers = new Map<string, OpenSearchIndexer>();
  private readonly options: IndexerOptions;

  constructor(
    private readonly cluster: SearchCluster,
    private readonly store: Store,
    private readonly settings: OpenSearchEngineOptions,
    private readonly activeEmbedder: () => Embedder | undefined,
  ) {
    this.options = {
      batchSize: settings.batchSize ?? 500,
      replicas: settings.replicas ?? 1,
      vectorSweepMs: settings.vectorSweepMs ?? 30_000,
    };
    this.lexical = new OpenSearchLexicalRetriever(
      cluster,
      store,
      () => this.indexerFor(this.activeEmbedder()),
      settings.bm25,
    );
  }

  static connect(
    store: Store,
    settings: OpenSearchEngineOptions,
    activeEmbedder: () => Embedder | undefined,
  ) {
    return new OpenSearchEngine(connectOpenSearch(settings.connection), store, settings, activeEmbedder);
  }

  /** The dense retriever of one embedder (follows its `id` when it is the active-generation embedder). */
  dense(embedder: Embedder): DenseRetriever {
    return new OpenSearchDenseRetriever(
      this.cluster,
      this.store,
      () => this.indexerFor(embedder),
      this.settings.efSearch,
    );
  }

  /** The indexer of an embedder generation (the lexical-only index without one). */
  indexerFor(embedder: Pick<Embedder, 'id' | 'dimension'> | undefined): OpenSearchIndexer {
    const key = embedder?.id ?? '';
    let indexer = this.indexers.get(key);
    if (!indexer) {
      const concrete = embedder ? { id: embedder.id, dimension: () => embedder.dimension() } : undefined;
      indexer = new OpenSearchIndexer(
        this.cluster,
        this.store,
        indexNames(this.settings.indexPrefix, embedder?.id),
        this.settings.bm25,
        concrete,
        this.options,
      );
      this.indexers.set(key, indexer);
    }
    return indexer;
  }

  /** `lore reindex --search`: a fresh build of the active generation's index, then the alias swap. */
  rebuild(): Promise<BuildReport> {
    return this.indexerFor(this.activeEmbedder()).build();
  }

  /** Cluster health (`GET /_cluster/health`), for `lore reindex --search` and readiness messages. */
  health(): Promise<{ status: string; cluster_name: string }> {
    return this.cluster.request('GET', '/_cluster/health');
  }

  close(): Promise<void> {
    return this.cluster.close();
  }
}

export type { SearchCluster };
