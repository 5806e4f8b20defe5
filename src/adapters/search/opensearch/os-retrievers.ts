import type { SearchFilter } from '../../../core/records.js';
import type { Bm25Params } from '../../../core/search/bm25.js';
import { admittedDocuments } from '../../../core/search/filter-mask.js';
import type {
  DenseHit,
  DenseRetriever,
  LexicalHit,
  LexicalRetriever,
} from '../../../ports/retriever.port.js';
import type { Store } from '../../../ports/store.port.js';
import type { SearchCluster } from './os-client.js';
import type { OpenSearchIndexer } from './os-indexer.js';
import {
  cosineOf,
  coverageName,
  denseQuery,
  dfAggregation,
  type FilterClauses,
  filterClauses,
  lexicalQuery,
  lookupTerms,
} from './os-queries.js';

/** Body IDFs remembered for `idf()` (synchronous callers: coverage, extractive answers). */
const idfCacheSize = 50_000;

interface SearchResponse {
  hits: { hits: { _id: string; _score: number | null; matched_queries?: string[] }[] };
  aggregations?: Record<string, { doc_count: number } & Record<string, { doc_count: number }>>;
}

/**
 * The filter as OpenSearch clauses. Collections go in as they are; document ids, tags and update
 * times are resolved against the Store into the admitted document ids (as the embedded indexes do).
 */
async function clausesFor(store: Store, filter: SearchFilter | undefined): Promise<FilterClauses> {
  if (!filter) return [];
  const needsDocuments = Boolean(
    filter.documentIds || filter.tags?.length || filter.updatedAfter || filter.updatedBefore,
  );
  const admitted = needsDocuments
    ? admittedDocuments(filter, await store.documentFilterInfo(filter.documentIds))
    : undefined;
  return filterClauses(filter, admitted ? [...admitted] : undefined);
}

/**
 * BM25 in OpenSearch over the index of the active embedder generation (the lexical-only index
 * without an embedder), caught up with the Store before each search. Scores are OpenSearch's BM25
 * with Lore's k1/b over Lore's analysed terms (see os-layout.ts); coverage comes from named clauses
 * and the document frequencies the same request aggregates.
 */
export class OpenSearchLexicalRetriever implements LexicalRetriever {
  private readonly idfs = new Map<string, number>();

  constructor(
    private readonly cluster: SearchCluster,
    private readonly store: Store,
    private readonly indexer: () => OpenSearchIndexer,
    private readonly params: Bm25Params,
  ) {}

  idf(term: string): number {
    return this.idfs.get(term) ?? 0;
  }

  async search(
    terms: readonly string[],
    k: number,
    filter?: SearchFilter,
    coverageTerms: readonly string[] = terms,
  ): Promise<LexicalHit[]> {
    if (k <= 0 || terms.length === 0) return [];
    const indexer = this.indexer();
    await indexer.catchUp();
    const clauses = await clausesFor(this.store, filter);
    const response = await this.cluster.request<SearchResponse>(
      'POST',
      `/${indexer.alias}/_search`,
      lexicalQuery(terms, k, this.params, clauses, coverageTerms),
    );
    const stats = response.aggregations?.[dfAggregation];
    const total = stats?.doc_count ?? 0;
    const idfByTerm = new Map<string, number>();
    lookupTerms(terms, coverageTerms).forEach((term, index) => {
      const df = stats?.[`t${index}`]?.doc_count ?? 0;
      const idf = df === 0 || total === 0 ? 0 : Math.log(1 + (total - df + 0.5) / (df + 0.5));
      idfByTerm.set(term, idf);
      this.remember(term, idf);
    });
    const coverage = new Set(coverageTerms);
    let coverageTotal = 0;
    for (const term of coverage) coverageTotal += Math.max(idfByTerm.get(term) ?? 0, 0.1);
    return response.hits.hits.map((hit) => {
      let matched = 0;
      for (const name of hit.matched_queries ?? []) {
        if (!name.startsWith(coverageName)) continue;
        matched += Math.max(idfByTerm.get(name.slice(coverageName.length)) ?? 0, 0.1);
      }
      return {
        rowId: Number(hit._id),
        score: hit._score ?? 0,
        coverage: coverageTotal === 0 ? 0 : Math.min(1, matched / coverageTotal),
      };
    });
  }

  private remember(term: string, idf: number): void {
    this.idfs.delete(term);
    this.idfs.set(term, idf);
    if (this.idfs.size > idfCacheSize) {
      const oldest = this.idfs.keys().next().value;
      if (oldest !== undefined) this.idfs.delete(oldest);
    }
  }
}

/** k-NN (HNSW, cosine) in the index of one embedder generation, the filter inside the k-NN query. */
export class OpenSearchDenseRetriever implements DenseRetriever {
  constructor(
    private readonly cluster: SearchCluster,
    private readonly store: Store,
    private readonly indexer: () => OpenSearchIndexer,
    private readonly efSearch: number,
  ) {}

  async search(queryVector: Float32Array, k: number, filter?: SearchFilter): Promise<DenseHit[]> {
    if (k <= 0 || queryVector.length === 0) return [];
    const indexer = this.indexer();
    await indexer.catchUp();
    const clauses = await clausesFor(this.store, filter);
    const response = await this.cluster.request<SearchResponse>(
      'POST',
      `/${indexer.alias}/_search`,
      denseQuery(queryVector, k, clauses, this.efSearch),
    );
    return response.hits.hits.map((hit) => ({ rowId: Number(hit._id), score: cosineOf(hit._score ?? 0) }));
  }
}
