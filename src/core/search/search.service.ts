import type { Embedder } from '../../ports/embedder.port.js';
import type { Reranker } from '../../ports/reranker.port.js';
import type { DenseRetriever, LexicalRetriever } from '../../ports/retriever.port.js';
import type { Store } from '../../ports/store.port.js';
import type { ChunkRecord, DocumentRecord, SearchFilter } from '../records.js';
import { analyze, questionTerms } from '../text/analyzer.js';
import type { DenseRoute } from './collection-dense-routes.js';
import { fuseRrf, type RankedList } from './fusion.js';

export type SearchMode = 'hybrid' | 'lexical' | 'dense';

/** Hits that get a term-coverage figure (used for abstention); later ones skip the cost. */
const coverageHits = 20;

export interface SearchRequest {
  query: string;
  /** Hits to return (default 10). */
  limit?: number;
  filter?: SearchFilter;
  /** Default: hybrid when an embedder is configured, lexical otherwise. */
  mode?: SearchMode;
  signal?: AbortSignal;
}

export interface SearchHit {
  rank: number;
  score: number;
  chunk: ChunkRecord;
  document: Pick<DocumentRecord, 'id' | 'title' | 'fileName' | 'source' | 'format' | 'collectionId'>;
  lexicalRank?: number;
  denseRank?: number;
  /** IDF-weighted share of the query's terms found in the chunk (0–1); computed for the first 20 hits. */
  termCoverage?: number;
}

export interface SearchResult {
  hits: SearchHit[];
  mode: SearchMode;
  queryTerms: string[];
  timings: { lexicalMs: number; denseMs: number; totalMs: number };
}

export interface SearchDependencies {
  store: Store;
  /** In-memory BM25 (embedded) or BM25 in SQL (PostgreSQL). */
  lexical: LexicalRetriever;
  /**
   * In-memory flat scan (embedded) or pgvector HNSW (PostgreSQL). With `routes`, one dense list runs
   * per embedder serving the searched collections (per-collection embedding profiles).
   */
  dense?: {
    index: DenseRetriever;
    embedder: Embedder;
    routes?: (filter?: SearchFilter) => Promise<DenseRoute[]>;
  };
  reranker?: Reranker;
  fusion: { k: number; lexicalWeight: number; denseWeight: number };
}

/** Hybrid retrieval: BM25 and dense vectors fused by weighted RRF, optionally reranked. */
export class SearchService {
  constructor(private readonly deps: SearchDependencies) {}

  /** Ranked chunks for a query, with their documents. */
  async search(request: SearchRequest): Promise<SearchResult> {
    const started = performance.now();
    const limit = request.limit ?? 10;
    const mode = request.mode ?? (this.deps.dense ? 'hybrid' : 'lexical');
    const candidates = Math.max(limit, this.deps.reranker || mode === 'hybrid' ? 100 : limit);
    const queryTerms = analyze(request.query);
    const lists: RankedList[] = [];
    const lexicalRanks = new Map<number, number>();
    const lexicalCoverage = new Map<number, number>();
    let singleList: { rowId: number; score: number }[] = [];
    const denseRanks = new Map<number, number>();

    let lexicalMs = 0;
    if (mode !== 'dense') {
      const lexicalStart = performance.now();
      const subject = queryTerms.filter((term) => !questionTerms.has(term));
      const hits = await this.deps.lexical.search(queryTerms, candidates, request.filter, subject);
      for (const hit of hits) lexicalCoverage.set(hit.rowId, hit.coverage);
      lexicalMs = performance.now() - lexicalStart;
      for (const [index, hit] of hits.entries()) lexicalRanks.set(hit.rowId, index + 1);
      singleList = hits;
      lists.push({
        weight: mode === 'lexical' ? 1 : this.deps.fusion.lexicalWeight,
        rowIds: hits.map((h) => h.rowId),
      });
    }
    let denseMs = 0;
    if (mode !== 'lexical' && this.deps.dense) {
      const denseStart = performance.now();
      const dense = this.deps.dense;
      const routes = dense.routes
        ? await dense.routes(request.filter)
        : [{ index: dense.index, embedder: dense.embedder, filter: request.filter }];
      const rankings = await Promise.all(
        routes.map(async (route) => {
          const [vector] = await route.embedder.embed([request.query], 'query', request.signal);
          return vector ? route.index.search(vector, candidates, route.filter) : [];
        }),
      );
      denseMs = performance.now() - denseStart;
      for (const hits of rankings) {
        for (const [index, hit] of hits.entries())
          denseRanks.set(hit.rowId, Math.min(denseRanks.get(hit.rowId) ?? index + 1, index + 1));
        if (lists.length === 0 && rankings.length === 1) singleList = hits;
        lists.push({
          weight: mode === 'dense' ? 1 : this.deps.fusion.denseWeight,
          rowIds: hits.map((h) => h.rowId),
        });
      }
    }

    // A single list keeps its own scores (BM25 or cosine); several are fused by rank.
    let fused = lists.length === 1 ? singleList : fuseRrf(lists, this.deps.fusion.k);
    fused = fused.slice(0, this.deps.reranker ? candidates : limit);
    const chunks = await this.deps.store.getChunks(fused.map((hit) => hit.rowId));
    const scoreOf = new Map(fused.map((hit) => [hit.rowId, hit.score]));
    let ordered = chunks.map((chunk) => ({ chunk, score: scoreOf.get(chunk.id) ?? 0 }));
    if (this.deps.reranker && ordered.length > 0) {
      const scores = await this.deps.reranker.rerank(
        request.query,
        ordered.map((entry) => `${entry.chunk.context}\n${entry.chunk.text}`),
        request.signal,
      );
      ordered = ordered
        .map((entry, index) => ({ ...entry, score: scores[index] ?? 0 }))
        .sort((a, b) => b.score - a.score);
    }
    ordered = ordered.slice(0, limit);
    const documents = await this.documentsFor(ordered.map((entry) => entry.chunk.documentId));
    const hits: SearchHit[] = [];
    for (const [index, entry] of ordered.entries()) {
      const document = documents.get(entry.chunk.documentId);
      if (!document) continue;
      hits.push({
        rank: index + 1,
        score: entry.score,
        chunk: entry.chunk,
        document: {
          id: document.id,
          title: document.title,
          fileName: document.fileName,
          source: document.source,
          format: document.format,
          collectionId: document.collectionId,
        },
        ...(lexicalRanks.has(entry.chunk.id) ? { lexicalRank: lexicalRanks.get(entry.chunk.id)! } : {}),
        ...(denseRanks.has(entry.chunk.id) ? { denseRank: denseRanks.get(entry.chunk.id)! } : {}),
        ...(index < coverageHits
          ? {
              termCoverage:
                lexicalCoverage.get(entry.chunk.id) ??
                this.coverage(queryTerms, `${document.title}\n${entry.chunk.context}\n${entry.chunk.text}`),
            }
          : {}),
      });
    }
    return { hits, mode, queryTerms, timings: { lexicalMs, denseMs, totalMs: performance.now() - started } };
  }

  /** IDF-weighted share of query terms present in a text. */
  coverage(queryTerms: readonly string[], text: string): number {
    const unique = [...new Set(queryTerms)].filter((term) => !questionTerms.has(term));
    if (unique.length === 0) return 0;
    const present = new Set(analyze(text));
    let total = 0;
    let matched = 0;
    for (const term of unique) {
      const weight = Math.max(this.deps.lexical.idf(term), 0.1);
      total += weight;
      if (present.has(term)) matched += weight;
    }
    return total === 0 ? 0 : matched / total;
  }

  private async documentsFor(ids: readonly string[]): Promise<Map<string, DocumentRecord>> {
    const documents = await this.deps.store.getDocuments([...new Set(ids)]);
    return new Map(documents.map((document) => [document.id, document]));
  }
}
