import { percentile } from '../src/core/evaluation/metrics.js';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  mean: number;
  max: number;
  /** Lowest and highest p50 of the individual rounds (noise indicator). */
  roundP50Min: number;
  roundP50Max: number;
}

/** Summary of per-query latencies (ms) gathered over several rounds. */
export function summarise(rounds: readonly (readonly number[])[]): LatencySummary {
  const all = rounds.flat();
  const roundP50s = rounds.map((round) => percentile(round, 50));
  return {
    count: all.length,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    mean: all.reduce((sum, value) => sum + value, 0) / Math.max(1, all.length),
    max: all.reduce((max, value) => Math.max(max, value), 0),
    roundP50Min: Math.min(...roundP50s),
    roundP50Max: Math.max(...roundP50s),
  };
}
