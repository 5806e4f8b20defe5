/**
 * Child process: builds one engine on one corpus in a fresh process and prints, as one JSON line,
 * its memory after a full GC (heap, RSS and external deltas over the loaded corpus) and the peak RSS
 * while it serves queries. Run by query.bench.ts; `node --import tsx bench/isolated.ts ENGINE SPEC BUDGET_MS`.
 */
import { datasetsDir, loadCorpus } from './corpus.js';
import type { EngineName } from './engines/engine.js';
import { createEngine } from './engines/index.js';
import { type IsolatedResult, memoryDelta, memorySnapshot, PeakRssSampler } from './memory.js';

const [engineName, spec, budget] = process.argv.slice(2);
const corpus = loadCorpus(datasetsDir(), spec ?? 'scifact');
const engine = createEngine((engineName ?? 'lore') as EngineName);
const sampler = new PeakRssSampler(50);
const before = memorySnapshot();
const started = performance.now();
engine.build(corpus.docs);
const buildMs = performance.now() - started;
const after = memorySnapshot();
const delta = memoryDelta(before, after);
sampler.reset();
const deadline = performance.now() + Number(budget ?? 10_000);
let served = 0;
for (const query of corpus.queries) {
  engine.search(query.text, 10);
  served++;
  if (performance.now() > deadline) break;
}
const peak = sampler.read().peakBytes;
engine.close();
await sampler.close();
const result: IsolatedResult = {
  buildMs,
  heapBytes: delta.heapBytes,
  rssBytes: delta.rssBytes,
  externalBytes: delta.externalBytes,
  baselineRssBytes: before.rss,
  servePeakRssBytes: peak,
  servedQueries: served,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
