// Statistics of a soak run: latency percentiles per interval and the RSS leak criterion.

/** The value at quantile `q` (0..1) of `values` (nearest rank); NaN when empty. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Least-squares line through (x, y): slope and intercept (slope 0 with fewer than two points). */
export function linearFit(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } {
  const n = points.length;
  if (n < 2) return { slope: 0, intercept: points[0]?.y ?? 0 };
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - meanX) * (p.y - meanY);
    den += (p.x - meanX) ** 2;
  }
  const slope = den === 0 ? 0 : num / den;
  return { slope, intercept: meanY - slope * meanX };
}

/** How RSS moved after warm-up. */
export interface RssTrend {
  startMb: number;
  endMb: number;
  /** Linear fit of RSS over the second half of the run (MB per minute). */
  slopeMbPerMin: number;
  /** Max − min of RSS after warm-up (MB). */
  spreadMb: number;
}

/**
 * The leak criterion's inputs: `points` are (seconds since start, RSS MB); warm-up points are
 * ignored for the spread, the slope uses the second half of the run only.
 */
export function rssTrend(points: readonly { t: number; mb: number }[], warmupSeconds: number): RssTrend {
  const after = points.filter((p) => p.t >= warmupSeconds);
  const last = points.at(-1)?.t ?? 0;
  const secondHalf = points.filter((p) => p.t >= last / 2);
  const values = after.map((p) => p.mb);
  return {
    startMb: after[0]?.mb ?? Number.NaN,
    endMb: points.at(-1)?.mb ?? Number.NaN,
    slopeMbPerMin: linearFit(secondHalf.map((p) => ({ x: p.t / 60, y: p.mb }))).slope,
    spreadMb: values.length ? Math.max(...values) - Math.min(...values) : 0,
  };
}
