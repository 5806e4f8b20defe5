// Lexical retrieval at scale: the in-memory BM25 with MaxScore pruning against its own exhaustive
// scorer, in the same process and on the same index (queries interleaved), plus the proof that
// pruning changes nothing: identical rankings and nDCG@10 on SciFact and CACM.
import { join } from 'node:path';
import { readBeirDataset } from '../src/adapters/dataset/beir.reader.js';
import { ndcgAt } from '../src/core/evaluation/metrics.js';
import { Bm25Index, type ScoredHit } from '../src/core/search/bm25.js';
import { analyze } from '../src/core/text/analyzer.js';
import type { BenchDoc, BenchQuery } from './corpus.js';
import { loreBenchParams } from './engines/lore.js';
import { memorySnapshot } from './memory.js';
import { buildDomainCorpus } from './scale-corpus.js';
import { type LatencySummary, summarise } from './stats.js';

type Strategy = 'exhaustive' | 'auto';

export interface LexicalQuality {
  dataset: string;
  documents: number;
  queries: number;
  ndcgAt10: Record<Strategy, number>;
  /** Queries whose top 10 (ids and scores) differ between the two strategies (must be 0). */
  differing: number;
}

export interface LexicalScaleResult {
  quality: LexicalQuality[];
  corpus: string;
  documents: number;
  queries: number;
  rounds: number;
  buildMs: number;
  /** Heap + array buffers and RSS growth while the index was built. */
  memoryBytes: { heapAndBuffers: number; rss: number };
  latencyMs: Record<Strategy, LatencySummary>;
  /** Queries whose top 10 differ at scale (must be 0). */
  differing: number;
}

export interface LexicalScaleOptions {
  datasetsDir: string;
  size: number;
  rounds: number;
  warmup: number;
  log: (message: string) => void;
}

function build(docs: readonly BenchDoc[]): Bm25Index {
  const index = new Bm25Index(loreBenchParams);
  for (const doc of docs)
    index.add({ title: analyze(doc.title), body: analyze(`${doc.title}\n${doc.text}`) });
  return index;
}

const same = (a: readonly ScoredHit[], b: readonly ScoredHit[]) =>
  a.length === b.length && a.every((hit, i) => hit.slot === b[i]!.slot && hit.score === b[i]!.score);

function quality(dir: string, name: string): LexicalQuality {
  const dataset = readBeirDataset(join(dir, name));
  const index = build(dataset.corpus);
  const ndcg: Record<Strategy, number> = { exhaustive: 0, auto: 0 };
  let differing = 0;
  for (const [id, text] of dataset.queries) {
    const terms = analyze(text);
    const judged = dataset.qrels.get(id) ?? new Map<string, number>();
    // 'pruned' forces MaxScore even on lists short enough for 'auto' to score exhaustively.
    const exhaustive = index.search(terms, 10, { strategy: 'exhaustive' });
    const pruned = index.search(terms, 10, { strategy: 'pruned' });
    if (!same(exhaustive, pruned)) differing++;
    const ids = (hits: readonly ScoredHit[]) => hits.map((hit) => dataset.corpus[hit.slot]!.id);
    ndcg.exhaustive += ndcgAt(ids(exhaustive), judged, 10);
    ndcg.auto += ndcgAt(ids(pruned), judged, 10);
  }
  const count = Math.max(1, dataset.queries.size);
  return {
    dataset: name,
    documents: dataset.corpus.length,
    queries: dataset.queries.size,
    ndcgAt10: { exhaustive: ndcg.exhaustive / count, auto: ndcg.auto / count },
    differing,
  };
}

/** Builds the domain corpus of `size` passages and times both strategies on its real queries. */
export function runLexicalScaleBench(options: LexicalScaleOptions): LexicalScaleResult {
  const { datasetsDir, size, rounds, warmup, log } = options;
  const qualities = ['scifact', 'cacm'].map((name) => quality(datasetsDir, name));
  for (const q of qualities)
    log(`lexical-scale: ${q.dataset} nDCG@10 ${q.ndcgAt10.exhaustive.toFixed(4)}, ${q.differing} differing`);

  const { corpus } = buildDomainCorpus(datasetsDir, size);
  log(`lexical-scale: ${corpus.description}`);
  const before = memorySnapshot();
  const started = performance.now();
  const index = build(corpus.docs);
  const buildMs = performance.now() - started;
  const after = memorySnapshot();
  log(`lexical-scale: built ${corpus.docs.length} passages in ${(buildMs / 1000).toFixed(1)} s`);

  const queries: { query: BenchQuery; terms: string[] }[] = corpus.queries
    .map((query) => ({ query, terms: analyze(query.text) }))
    .filter(({ terms }) => terms.length > 0);
  let differing = 0;
  for (const { terms } of queries) {
    if (!same(index.search(terms, 10, { strategy: 'exhaustive' }), index.search(terms, 10))) differing++;
  }
  const timings: Record<Strategy, number[][]> = { exhaustive: [], auto: [] };
  for (let round = 0; round < warmup + rounds; round++) {
    const pass: Record<Strategy, number[]> = { exhaustive: [], auto: [] };
    for (const { terms } of queries) {
      // Interleaved per query, alternating which goes first, so load and cache effects hit both.
      const order: Strategy[] = round % 2 === 0 ? ['exhaustive', 'auto'] : ['auto', 'exhaustive'];
      for (const strategy of order) {
        const at = performance.now();
        index.search(terms, 10, { strategy });
        pass[strategy].push(performance.now() - at);
      }
    }
    if (round >= warmup) {
      timings.exhaustive.push(pass.exhaustive);
      timings.auto.push(pass.auto);
    }
    log(`lexical-scale: round ${round + 1}/${warmup + rounds}${round < warmup ? ' (warm-up)' : ''}`);
  }
  return {
    quality: qualities,
    corpus: corpus.description,
    documents: corpus.docs.length,
    queries: queries.length,
    rounds,
    buildMs,
    memoryBytes: {
      heapAndBuffers: after.heapUsed + after.external - before.heapUsed - before.external,
      rss: after.rss - before.rss,
    },
    latencyMs: { exhaustive: summarise(timings.exhaustive), auto: summarise(timings.auto) },
    differing,
  };
}

/** Markdown section for the report. */
export function lexicalScaleMarkdown(result: LexicalScaleResult): string[] {
  const ms = (value: number) => value.toFixed(2);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const lines = [
    '## Lexical at scale: MaxScore pruning vs exhaustive BM25',
    '',
    '| Dataset | Documents | Queries | nDCG@10 exhaustive | nDCG@10 pruned | Top 10 differing |',
    '|---|---:|---:|---:|---:|---:|',
    ...result.quality.map(
      (q) =>
        `| ${q.dataset} | ${q.documents} | ${q.queries} | ${q.ndcgAt10.exhaustive.toFixed(4)} | ${q.ndcgAt10.auto.toFixed(4)} | ${q.differing} |`,
    ),
    '',
    `Corpus: ${result.corpus}.`,
    `Build ${(result.buildMs / 1000).toFixed(1)} s; memory ${mb(result.memoryBytes.heapAndBuffers)} heap + buffers, RSS +${mb(result.memoryBytes.rss)}.`,
    `${result.queries} real queries × ${result.rounds} rounds, top 10, strategies interleaved per query; top 10 differing at scale: ${result.differing}.`,
    '',
    '| Strategy | p50 ms | p95 ms | mean ms | max ms | round p50 range |',
    '|---|---:|---:|---:|---:|---:|',
    ...(['exhaustive', 'auto'] as const).map((strategy) => {
      const l = result.latencyMs[strategy];
      const label = strategy === 'auto' ? 'MaxScore (default)' : 'exhaustive';
      return `| ${label} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.mean)} | ${ms(l.max)} | ${ms(l.roundP50Min)}–${ms(l.roundP50Max)} |`;
    }),
    '',
  ];
  return lines;
}
