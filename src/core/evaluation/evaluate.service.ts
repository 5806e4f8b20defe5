import type { IngestInput, IngestOutcome } from '../ingest/ingest.service.js';
import type { SearchMode, SearchService } from '../search/search.service.js';
import { type Judgements, ndcgAt, percentile, recallAt, reciprocalRankAt } from './metrics.js';

export interface EvaluationDocument {
  id: string;
  title: string;
  text: string;
}

/** A retrieval test collection (BEIR layout once read). */
export interface EvaluationDataset {
  name: string;
  corpus: EvaluationDocument[];
  queries: Map<string, string>;
  /** query id → (document id → grade) */
  qrels: Map<string, Judgements>;
}

export interface EvaluationReport {
  dataset: string;
  mode: SearchMode;
  documents: number;
  failedDocuments: number;
  queries: number;
  ndcgAt10: number;
  recallAt100: number;
  mrrAt10: number;
  /** End-to-end search latency (retrieval, chunk and document lookups) for 300 hits. */
  latencyMs: { p50: number; p95: number };
  /** Time inside the lexical index alone (analysis + BM25 scoring + top-k). */
  lexicalLatencyMs: { p50: number; p95: number };
  ingestSeconds: number;
  documentsPerSecond: number;
}

export interface EvaluationDependencies {
  ingest: (input: IngestInput) => Promise<IngestOutcome>;
  /** SearchService, or a QueryTransformingSearch to measure multi-query / HyDE. */
  search: Pick<SearchService, 'search'>;
  concurrency: number;
}

export interface EvaluationOptions {
  mode?: SearchMode;
  collection?: string;
  /** Called with (done, total) while ingesting, then while querying. */
  onProgress?: (phase: 'ingest' | 'query', done: number, total: number) => void;
}

/** A TREC run line: `qid Q0 docid rank score tag`. */
export type RunLine = string;

/**
 * Ingests a dataset's corpus through the normal pipeline, runs every judged query and scores the
 * ranking of documents (a document ranks where its best chunk ranks).
 */
export async function evaluate(
  dataset: EvaluationDataset,
  deps: EvaluationDependencies,
  options: EvaluationOptions = {},
): Promise<{ report: EvaluationReport; run: RunLine[] }> {
  const collection = options.collection ?? `eval-${dataset.name}`;
  const ingestStart = performance.now();
  let done = 0;
  let failed = 0;
  await forEachLimited(dataset.corpus, deps.concurrency, async (document) => {
    const outcome = await deps.ingest({
      bytes: new TextEncoder().encode(document.text.length > 0 ? document.text : document.title),
      fileName: `${document.id}.txt`,
      source: document.id,
      collection,
      title: document.title,
    });
    if (outcome.status === 'failed') failed++;
    options.onProgress?.('ingest', ++done, dataset.corpus.length);
  });
  const ingestSeconds = (performance.now() - ingestStart) / 1000;

  const sourceOf = new Map<string, string>();
  const latencies: number[] = [];
  const lexicalLatencies: number[] = [];
  const run: RunLine[] = [];
  let ndcg = 0;
  let recall = 0;
  let mrr = 0;
  let index = 0;
  const mode = options.mode ?? 'lexical';
  for (const [queryId, text] of dataset.queries) {
    const started = performance.now();
    const result = await deps.search.search({ query: text, limit: 300, mode });
    latencies.push(performance.now() - started);
    lexicalLatencies.push(result.timings.lexicalMs);
    const ranked: string[] = [];
    const scores: number[] = [];
    for (const hit of result.hits) {
      const id = sourceOf.get(hit.document.id) ?? hit.document.source;
      sourceOf.set(hit.document.id, id);
      if (ranked.includes(id)) continue;
      ranked.push(id);
      scores.push(hit.score);
      if (ranked.length === 100) break;
    }
    const judged = dataset.qrels.get(queryId) ?? new Map<string, number>();
    ndcg += ndcgAt(ranked, judged, 10);
    recall += recallAt(ranked, judged, 100);
    mrr += reciprocalRankAt(ranked, judged, 10);
    for (const [rank, id] of ranked.entries())
      run.push(`${queryId} Q0 ${id} ${rank + 1} ${scores[rank]!.toFixed(6)} lore`);
    options.onProgress?.('query', ++index, dataset.queries.size);
  }
  const count = Math.max(1, dataset.queries.size);
  return {
    report: {
      dataset: dataset.name,
      mode,
      documents: dataset.corpus.length,
      failedDocuments: failed,
      queries: dataset.queries.size,
      ndcgAt10: ndcg / count,
      recallAt100: recall / count,
      mrrAt10: mrr / count,
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
      lexicalLatencyMs: { p50: percentile(lexicalLatencies, 50), p95: percentile(lexicalLatencies, 95) },
      ingestSeconds,
      documentsPerSecond: dataset.corpus.length / Math.max(ingestSeconds, 1e-9),
    },
    run,
  };
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const runners = Array.from({ length: Math.max(1, limit) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(runners);
}
