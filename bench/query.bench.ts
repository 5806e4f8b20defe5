import { ndcgAt } from '../src/core/evaluation/metrics.js';
import { type BenchCorpus, type BenchQuery, seededRandom } from './corpus.js';
import type { EngineName, SearchEngine } from './engines/engine.js';
import { createEngine } from './engines/index.js';
import { type IsolatedResult, measureIsolated, type PeakRssSampler } from './memory.js';
import { type LatencySummary, summarise } from './stats.js';

export interface EngineResult {
  engine: EngineName;
  description: string;
  /** Build time in the benchmark process (all engines built one after another). */
  buildMs: number;
  /** Memory of the engine alone, measured in a fresh process (absent with --no-isolate). */
  isolated?: IsolatedResult;
  footprint: Record<string, number>;
  latencyMs: LatencySummary;
  /** Mean nDCG@10 over the judged queries (corpora with qrels only). */
  ndcgAt10?: number;
  /** The five slowest queries of the measured rounds (median over rounds). */
  slowest: { query: string; ms: number }[];
}

export interface QueryCorpusResult {
  corpus: string;
  description: string;
  documents: number;
  queries: number;
  rounds: number;
  warmupPasses: number;
  budgetMs: number;
  peakRssBytes: { build: number; queries: number };
  engines: EngineResult[];
}

export interface QueryBenchOptions {
  engines: readonly EngineName[];
  rounds: number;
  warmup: number;
  /** Time one engine may spend on one pass before it stops early (slow engines answer fewer queries). */
  budgetMs: number;
  isolate: boolean;
  k: number;
  sampler: PeakRssSampler;
  log: (message: string) => void;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function meanNdcg(engine: SearchEngine, corpus: BenchCorpus, k: number): number | undefined {
  if (!corpus.qrels) return undefined;
  let sum = 0;
  for (const query of corpus.queries) {
    const judged = corpus.qrels.get(query.id) ?? new Map<string, number>();
    sum += ndcgAt(engine.search(query.text, k), judged, 10);
  }
  return sum / Math.max(1, corpus.queries.length);
}

/** Runs queries in order until all are done or the budget is spent; returns per-query times (ms). */
function pass(engine: SearchEngine, queries: readonly BenchQuery[], k: number, budgetMs: number): number[] {
  const latencies: number[] = [];
  const deadline = performance.now() + budgetMs;
  for (const query of queries) {
    const started = performance.now();
    engine.search(query.text, k);
    const finished = performance.now();
    latencies.push(finished - started);
    if (finished > deadline) break;
  }
  return latencies;
}

/**
 * Builds every engine on the corpus, scores nDCG@10 when judged, then times the queries on every
 * engine: `warmup` untimed passes, then `rounds` timed passes. Each round reshuffles the queries (same
 * order for every engine) and rotates the engine order, so drift in machine load hits all engines
 * alike. A pass stops early once it has used `budgetMs`; the shuffled prefix is a random sample.
 */
export async function runQueryBench(
  corpus: BenchCorpus,
  options: QueryBenchOptions,
): Promise<QueryCorpusResult> {
  const { sampler, log, k, budgetMs } = options;
  const built: { name: EngineName; engine: SearchEngine; buildMs: number }[] = [];
  sampler.reset();
  for (const name of options.engines) {
    const engine = createEngine(name);
    const started = performance.now();
    engine.build(corpus.docs);
    const buildMs = performance.now() - started;
    built.push({ name, engine, buildMs });
    log(`  ${name}: built in ${(buildMs / 1000).toFixed(2)} s`);
    await tick();
  }
  const buildPeak = sampler.read().peakBytes;

  const quality = new Map<EngineName, number | undefined>();
  for (const { name, engine } of built) quality.set(name, meanNdcg(engine, corpus, k));
  for (let round = 0; round < options.warmup; round++) {
    for (const { engine } of built) pass(engine, shuffled(corpus.queries, 500 + round), k, budgetMs);
  }

  sampler.reset();
  const times = new Map<EngineName, number[][]>(built.map(({ name }) => [name, []]));
  const perQuery = new Map<EngineName, Map<string, number[]>>(built.map(({ name }) => [name, new Map()]));
  for (let round = 0; round < options.rounds; round++) {
    const order = built.map((_, i) => built[(i + round) % built.length]!);
    const queries = shuffled(corpus.queries, 1000 + round);
    const counts: string[] = [];
    for (const { name, engine } of order) {
      const latencies = pass(engine, queries, k, budgetMs);
      times.get(name)!.push(latencies);
      const byQuery = perQuery.get(name)!;
      latencies.forEach((ms, index) => {
        const text = queries[index]!.text;
        byQuery.set(text, [...(byQuery.get(text) ?? []), ms]);
      });
      counts.push(`${name} ${latencies.length}`);
      await tick();
    }
    log(`  round ${round + 1}/${options.rounds}: queries timed ${counts.join(', ')}`);
  }
  const queryPeak = sampler.read().peakBytes;

  const engines: EngineResult[] = [];
  for (const { name, engine, buildMs } of built) {
    const ndcg = quality.get(name);
    const slowest = [...perQuery.get(name)!]
      .map(([query, list]) => ({ query, ms: median(list) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5);
    engines.push({
      engine: name,
      description: engine.description,
      buildMs,
      footprint: engine.footprint(),
      latencyMs: summarise(times.get(name)!),
      ...(ndcg === undefined ? {} : { ndcgAt10: ndcg }),
      slowest,
    });
    engine.close();
  }
  if (options.isolate) {
    for (const result of engines) {
      log(`  ${result.engine}: measuring memory in a fresh process`);
      result.isolated = await measureIsolated(result.engine, corpus.spec, budgetMs);
    }
  }
  return {
    corpus: corpus.name,
    description: corpus.description,
    documents: corpus.docs.length,
    queries: corpus.queries.length,
    rounds: options.rounds,
    warmupPasses: options.warmup,
    budgetMs,
    peakRssBytes: { build: buildPeak, queries: queryPeak },
    engines,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
