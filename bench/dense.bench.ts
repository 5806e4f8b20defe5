import { type BatchMatches, exactSearch, MetricKind } from 'usearch';
import { seededRandom } from './corpus.js';
import { type DenseData, defaultDenseSpec, makeDenseData, rowOf } from './dense-data.js';
import type { DenseEngine, DenseEngineName } from './engines/dense-engine.js';
import { loadFlat } from './engines/dense-flat.js';
import { createDenseEngines } from './engines/dense-index.js';
import { fullGc } from './memory.js';
import { type LatencySummary, summarise } from './stats.js';

/** Growth over a build, after a full GC. Native memory (SQLite, usearch) shows only in RSS. */
export interface DenseMemory {
  heapBytes: number;
  /** ArrayBuffers (typed arrays, Buffers); `process.memoryUsage().external` already includes them. */
  arrayBufferBytes: number;
  rssBytes: number;
}

function snapshot(): DenseMemory {
  fullGc();
  const usage = process.memoryUsage();
  return { heapBytes: usage.heapUsed, arrayBufferBytes: usage.arrayBuffers, rssBytes: usage.rss };
}

function growth(before: DenseMemory, after: DenseMemory): DenseMemory {
  return {
    heapBytes: after.heapBytes - before.heapBytes,
    arrayBufferBytes: after.arrayBufferBytes - before.arrayBufferBytes,
    rssBytes: after.rssBytes - before.rssBytes,
  };
}

export interface DenseEngineResult {
  engine: DenseEngineName;
  description: string;
  buildMs: number;
  /** Memory growth over the build (engines built one after another, each kept). */
  memory: DenseMemory;
  footprint: Record<string, number>;
  latencyMs: LatencySummary;
  /** Mean recall@k against an exact search (filtered engines: exact over the rows they admit). */
  recall: number;
  /** Distinct queries the recall is averaged over (slow engines answer a sample). */
  recallQueries: number;
  /** Of those, queries that missed at least one true neighbour, and the lowest recall of one query. */
  recallBelowOne: number;
  worstRecall: number;
  /** Time to add the first and then the second half of the extra rows to the built index. */
  addMs?: [number, number];
}

export interface DenseSetResult {
  name: string;
  count: number;
  dimension: number;
  description: string;
  /** Cosine of random corpus pairs and of each query's 1st and k-th exact neighbour (means). */
  similarity: { randomPair: number; first: number; kth: number };
  dataSeconds: number;
  queries: number;
  k: number;
  rounds: number;
  warmupPasses: number;
  budgetMs: number;
  /** Rows per add batch (the extra rows come in two batches). */
  addBatch: number;
  /** A fresh `FlatVectors` over all n + extra rows, as `VectorIndex` rebuilds it after a change (median of 3). */
  flatReloadMs: number;
  engines: DenseEngineResult[];
}

export interface DenseBenchOptions {
  sets: readonly { count: number; dimension: number }[];
  engines: readonly DenseEngineName[];
  rounds: number;
  warmup: number;
  /** Time one engine may spend on one pass over the queries. */
  budgetMs: number;
  k: number;
  log: (message: string) => void;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function shuffledIndexes(count: number, seed: number): number[] {
  const random = seededRandom(seed);
  const out = Array.from({ length: count }, (_, i) => i);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Exact top-k row ids per query (usearch's brute-force `exactSearch`, cosine), optionally over a subset. */
function exactTopK(data: DenseData, k: number, admits?: (rowId: number) => boolean) {
  const { dimension, count } = data.spec;
  let rows: number[] | undefined;
  let matrix = data.vectors;
  if (admits) {
    rows = [];
    for (let row = 0; row < count; row++) if (admits(row)) rows.push(row);
    matrix = new Float32Array(rows.length * dimension);
    for (const [i, row] of rows.entries()) matrix.set(rowOf(data.vectors, dimension, row), i * dimension);
  }
  const result = exactSearch(matrix, data.queries, dimension, k, MetricKind.Cos, 0) as BatchMatches;
  const truth: Set<number>[] = [];
  for (let q = 0; q < data.spec.queries; q++) {
    const keys = Array.from(result.keys.subarray(q * k, (q + 1) * k), Number);
    truth.push(new Set(rows ? keys.map((key) => rows[key]!) : keys));
  }
  return { truth, distances: result.distances };
}

function similarity(data: DenseData, distances: Float32Array, k: number): DenseSetResult['similarity'] {
  const { dimension, count, queries } = data.spec;
  const random = seededRandom(99);
  let pairs = 0;
  for (let n = 0; n < 1000; n++) {
    const a = rowOf(data.vectors, dimension, Math.floor(random() * count));
    const b = rowOf(data.vectors, dimension, Math.floor(random() * count));
    for (let i = 0; i < dimension; i++) pairs += (a[i]! * b[i]!) / 1000;
  }
  let first = 0;
  let kth = 0;
  for (let q = 0; q < queries; q++) {
    first += (1 - distances[q * k]!) / queries;
    kth += (1 - distances[q * k + k - 1]!) / queries;
  }
  return { randomPair: pairs, first, kth };
}

interface Timed {
  engine: DenseEngine;
  buildMs: number;
  memory: DenseMemory;
  truth: Set<number>[];
  times: number[][];
  recall: Map<number, number>;
}

/** Queries in `order` until done or `budgetMs` is spent; records latency and per-query recall. */
function pass(
  timed: Timed,
  data: DenseData,
  order: readonly number[],
  k: number,
  budgetMs: number,
): number[] {
  const latencies: number[] = [];
  const deadline = performance.now() + budgetMs;
  for (const q of order) {
    const query = rowOf(data.queries, data.spec.dimension, q);
    const started = performance.now();
    const ids = timed.engine.search(query, k);
    const finished = performance.now();
    latencies.push(finished - started);
    const truth = timed.truth[q]!;
    let hits = 0;
    for (let i = 0; i < ids.length; i++) if (truth.has(ids[i]!)) hits++;
    timed.recall.set(q, hits / truth.size);
    if (finished > deadline) break;
  }
  return latencies;
}

/** Builds every engine on one synthetic set, measures recall and latency, then the cost of adding rows. */
async function runSet(
  spec: { count: number; dimension: number },
  options: DenseBenchOptions,
): Promise<DenseSetResult> {
  const { log, k, budgetMs } = options;
  let started = performance.now();
  const data = makeDenseData({ ...defaultDenseSpec, ...spec });
  const dataSeconds = (performance.now() - started) / 1000;
  const { truth, distances } = exactTopK(data, k);
  const truthSeconds = (performance.now() - started) / 1000 - dataSeconds;
  log(
    `dense ${data.name}: data in ${dataSeconds.toFixed(1)} s, exact top ${k} in ${truthSeconds.toFixed(1)} s`,
  );

  const built: Timed[] = [];
  for (const engine of createDenseEngines(options.engines)) {
    const before = snapshot();
    started = performance.now();
    engine.build(data.vectors, spec.dimension);
    const buildMs = performance.now() - started;
    const memory = growth(before, snapshot());
    const engineTruth = engine.admits ? exactTopK(data, k, engine.admits).truth : truth;
    built.push({ engine, buildMs, memory, truth: engineTruth, times: [], recall: new Map() });
    log(`  ${engine.name}: built in ${(buildMs / 1000).toFixed(2)} s`);
    await tick();
  }

  for (let round = 0; round < options.warmup; round++) {
    const order = shuffledIndexes(data.spec.queries, 500 + round);
    for (const timed of built) pass(timed, data, order, k, budgetMs);
  }
  for (let round = 0; round < options.rounds; round++) {
    const engines = built.map((_, i) => built[(i + round) % built.length]!);
    const order = shuffledIndexes(data.spec.queries, 1000 + round);
    const counts: string[] = [];
    for (const timed of engines) {
      const latencies = pass(timed, data, order, k, budgetMs);
      timed.times.push(latencies);
      counts.push(`${timed.engine.name} ${latencies.length}`);
      await tick();
    }
    log(`  round ${round + 1}/${options.rounds}: queries timed ${counts.join(', ')}`);
  }

  const { count, dimension, extra } = data.spec;
  const batch = extra / 2;
  const all = new Float32Array((count + batch) * dimension);
  all.set(data.vectors);
  all.set(data.extra.subarray(0, batch * dimension), count * dimension);
  const reloads: number[] = [];
  for (let i = 0; i < 3; i++) {
    fullGc();
    started = performance.now();
    loadFlat(all, dimension);
    reloads.push(performance.now() - started);
  }
  const flatReloadMs = reloads.sort((a, b) => a - b)[1]!;

  const engines: DenseEngineResult[] = [];
  for (const { engine, buildMs, memory, times, recall } of built) {
    const footprint = engine.footprint();
    let addMs: [number, number] | undefined;
    if (engine.add) {
      const times: number[] = [];
      for (const half of [0, 1]) {
        const rows = data.extra.subarray(half * batch * dimension, (half + 1) * batch * dimension);
        started = performance.now();
        engine.add(count + half * batch, rows);
        times.push(performance.now() - started);
      }
      addMs = [times[0]!, times[1]!];
    }
    const recalls = [...recall.values()];
    engines.push({
      engine: engine.name,
      description: engine.description,
      buildMs,
      memory,
      footprint,
      latencyMs: summarise(times),
      recall: recalls.reduce((sum, value) => sum + value, 0) / Math.max(1, recalls.length),
      recallQueries: recalls.length,
      recallBelowOne: recalls.filter((value) => value < 1).length,
      worstRecall: Math.min(1, ...recalls),
      ...(addMs === undefined ? {} : { addMs }),
    });
    engine.close();
  }
  log(`  adding 2 × ${batch} rows measured; flat reload ${(flatReloadMs / 1000).toFixed(2)} s`);
  const s = data.spec;
  return {
    name: data.name,
    count,
    dimension,
    description:
      `${count.toLocaleString('en-US')} unit vectors × ${dimension}: mixture of ${s.clusters} Gaussian topics ` +
      `(log-normal sizes; centre + ${s.rank}-direction topic spread ${s.topicSpread} + isotropic noise ` +
      `${s.noise} + shared direction ${s.shared}, normalised), mulberry32 seed ${s.seed}; ` +
      `${s.queries} fresh queries from the same mixture`,
    similarity: similarity(data, distances, k),
    dataSeconds,
    queries: s.queries,
    k,
    rounds: options.rounds,
    warmupPasses: options.warmup,
    budgetMs,
    addBatch: batch,
    flatReloadMs,
    engines,
  };
}

/** Runs every set in turn (one at a time, so their indexes never share memory). */
export async function runDenseBench(options: DenseBenchOptions): Promise<DenseSetResult[]> {
  const results: DenseSetResult[] = [];
  for (const set of options.sets) results.push(await runSet(set, options));
  return results;
}
