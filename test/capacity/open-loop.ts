import { percentile } from '../soak/soak-stats.js';

// An open-loop load generator: requests are sent on a fixed constant-rate schedule whatever the
// responses do, and each latency is measured from the request's *scheduled* send time, so a slow
// server cannot hide its latency by slowing the sender (no coordinated omission).

/** One request's outcome: `ms` from its scheduled send time to the end of its response body. */
export interface OpenLoopSample {
  scheduledMs: number;
  ms: number;
  status: number;
  error?: string;
}

/** Percentiles and rates of one step. */
export interface StepStats {
  offeredRate: number;
  achievedRate: number;
  sent: number;
  completed: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The send times (ms from the step's start) of a constant-rate schedule: i / rate for i < rate · seconds. */
export function schedule(rate: number, seconds: number): number[] {
  const count = Math.floor(rate * seconds);
  return Array.from({ length: count }, (_, i) => (i * 1000) / rate);
}

/** Stats of a step's samples; achieved rate = responses without error per second of the step. */
export function stepStats(
  offeredRate: number,
  seconds: number,
  samples: readonly OpenLoopSample[],
): StepStats {
  const ms = samples.map((s) => s.ms);
  const errors = samples.filter((s) => s.error !== undefined || s.status < 200 || s.status >= 300).length;
  return {
    offeredRate,
    achievedRate: (samples.length - errors) / seconds,
    sent: samples.length,
    completed: samples.length - errors,
    errors,
    p50: percentile(ms, 0.5),
    p90: percentile(ms, 0.9),
    p99: percentile(ms, 0.99),
    max: ms.length ? Math.max(...ms) : Number.NaN,
  };
}

/**
 * Sends `request(i)` at the scheduled times of `schedule(rate, seconds)` without waiting for earlier
 * responses, and resolves when every request has ended (or timed out after `timeoutMs`).
 */
export async function runOpenLoop(
  rate: number,
  seconds: number,
  request: (index: number, signal: AbortSignal) => Promise<number>,
  timeoutMs = 10_000,
): Promise<OpenLoopSample[]> {
  const times = schedule(rate, seconds);
  const start = performance.now();
  const inFlight: Promise<OpenLoopSample>[] = [];
  const fire = (index: number, scheduledMs: number) => {
    const scheduledAt = start + scheduledMs;
    const signal = AbortSignal.timeout(timeoutMs);
    return request(index, signal).then(
      (status) => ({ scheduledMs, ms: performance.now() - scheduledAt, status }),
      (error: unknown) => ({
        scheduledMs,
        ms: performance.now() - scheduledAt,
        status: 0,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  };
  let next = 0;
  while (next < times.length) {
    const now = performance.now() - start;
    // Everything due (including sends the timer woke up late for) goes now, at its scheduled time.
    while (next < times.length && times[next]! <= now) {
      inFlight.push(fire(next, times[next]!));
      next++;
    }
    if (next < times.length) {
      const wait = times[next]! - (performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(wait, 50))));
    }
  }
  return Promise.all(inFlight);
}

/** Bisection between the last good and first bad offered rate, to `resolution` req/s. */
export async function bisectCapacity(
  good: number,
  bad: number,
  isGood: (rate: number) => Promise<boolean>,
  resolution: number,
): Promise<number> {
  let low = good;
  let high = bad;
  while (high - low > resolution) {
    const mid = Math.round((low + high) / 2);
    if (mid === low || mid === high) break;
    if (await isGood(mid)) low = mid;
    else high = mid;
  }
  return low;
}
