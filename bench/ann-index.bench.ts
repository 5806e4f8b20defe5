/**
 * The product's embedded ANN path (`UsearchAnnIndex` as `AnnVectorIndex` uses it): a batch build
 * (what a rebuild does, every core; `ANN_BUILD=rows` adds row by row as ingestion catch-up does),
 * save/open time, file size, RSS delta, p50/p95 of a top-10 query, recall@10 against the exact scan
 * (`FlatVectors`), and a filtered query admitting 10 % of the rows (HNSW with the filter inside,
 * oversampled). `ANN_COUNT` (default 100000) × 384, synthetic clustered vectors from
 * `dense-data.ts`. Run: `npx tsx bench/ann-index.bench.ts`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsearchAnnIndex } from '../src/adapters/vector/usearch-ann-index.js';
import { FlatVectors } from '../src/core/search/flat-vectors.js';
import { defaultDenseSpec, makeDenseData } from './dense-data.js';
import { machineInfo } from './machine.js';

const count = Number(process.env.ANN_COUNT ?? 100_000);
const dimension = 384;
const data = makeDenseData({ ...defaultDenseSpec, count, dimension, queries: 200, extra: 0, seed: 13 });
const folder = mkdtempSync(join(tmpdir(), 'lore-ann-bench-'));
const row = (m: Float32Array, i: number) => m.subarray(i * dimension, (i + 1) * dimension);
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!;
try {
  const rssBefore = process.memoryUsage().rss;
  let started = performance.now();
  const ann = UsearchAnnIndex.create(folder, 'bench', 'bench-embedder', dimension);
  if (process.env.ANN_BUILD === 'rows') {
    for (let i = 0; i < count; i++) ann.add(i, row(data.vectors, i));
  } else {
    const step = 50_000;
    for (let start = 0; start < count; start += step) {
      const end = Math.min(count, start + step);
      ann.addBatch(
        Int32Array.from({ length: end - start }, (_, i) => start + i),
        data.vectors.subarray(start * dimension, end * dimension),
      );
    }
  }
  const buildMs = performance.now() - started;
  const rssDelta = process.memoryUsage().rss - rssBefore;
  started = performance.now();
  ann.save('t');
  const saveMs = performance.now() - started;
  const fileBytes = statSync(join(folder, 'bench.usearch')).size + statSync(join(folder, 'bench.keys')).size;
  started = performance.now();
  const opened = UsearchAnnIndex.open(folder, 'bench', 'bench-embedder', dimension);
  const openMs = performance.now() - started;
  if (!opened) throw new Error('saved index did not open');
  const exact = new FlatVectors(dimension, count);
  for (let i = 0; i < count; i++) exact.add(i, row(data.vectors, i));
  const queries = data.queries.length / dimension;
  const times: number[] = [];
  const filteredTimes: number[] = [];
  const tenth = (rowId: number) => rowId % 10 === 3;
  let found = 0;
  let filteredFound = 0;
  for (let round = 0; round < 3; round++) {
    for (let q = 0; q < queries; q++) {
      const t = performance.now();
      const hits = opened.index.search(row(data.queries, q), 10);
      times.push(performance.now() - t);
      const f = performance.now();
      const filtered = opened.index.search(row(data.queries, q), 10, tenth);
      filteredTimes.push(performance.now() - f);
      if (round === 0) {
        const truth = new Set(exact.search(row(data.queries, q), 10).map((h) => h.rowId));
        for (const hit of hits) if (truth.has(hit.rowId)) found++;
        const filteredTruth = new Set(exact.search(row(data.queries, q), 10, tenth).map((h) => h.rowId));
        for (const hit of filtered) if (filteredTruth.has(hit.rowId)) filteredFound++;
      }
    }
  }
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: machineInfo(),
        loadAverage: loadavg(),
        count,
        dimension,
        buildMs: Math.round(buildMs),
        saveMs: Math.round(saveMs),
        openMs: Math.round(openMs),
        fileMiB: +(fileBytes / 2 ** 20).toFixed(1),
        rssDeltaMiB: +(rssDelta / 2 ** 20).toFixed(1),
        p50Ms: +percentile(times, 0.5).toFixed(3),
        p95Ms: +percentile(times, 0.95).toFixed(3),
        recallAt10: +(found / (queries * 10)).toFixed(4),
        filtered10PctP50Ms: +percentile(filteredTimes, 0.5).toFixed(3),
        filtered10PctP95Ms: +percentile(filteredTimes, 0.95).toFixed(3),
        filtered10PctRecallAt10: +(filteredFound / (queries * 10)).toFixed(4),
        build: process.env.ANN_BUILD === 'rows' ? 'rows' : 'batch',
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
