import { toLoreError } from '../core/errors.js';

/** Longest pause between polls while the database stays unreachable. */
const maxDelayMs = 15_000;

/**
 * Polling back-off for job runners: after a `storage_unavailable` failure (database down, SQLite
 * locked by another process) the next poll waits twice as long as the last, up to 15 s, so a long
 * outage does not keep the process busy (a locked SQLite database blocks the event loop for its busy
 * timeout on every attempt). Any success resets it.
 */
export class StorageBackoff {
  private failures = 0;

  /** Records a failed poll; only storage outages lengthen the pause. */
  failed(error: unknown): void {
    if (toLoreError(error).code === 'storage_unavailable') this.failures++;
  }

  succeeded(): void {
    this.failures = 0;
  }

  /** The pause before the next poll. */
  delay(idleMs: number): number {
    if (this.failures === 0) return idleMs;
    return Math.min(maxDelayMs, idleMs * 2 ** (this.failures - 1));
  }
}

/**
 * Retries `work` (e.g. giving a job back to the queue) every `intervalMs` while it fails with
 * `storage_unavailable`, until it succeeds, `until()` says stop, or `budgetMs` has passed. Other
 * failures and the last outage are swallowed: the job's lease expiring is the fallback.
 */
export async function whenStorageAnswers(
  work: () => Promise<void>,
  options: { until: () => boolean; budgetMs: number; intervalMs?: number },
): Promise<boolean> {
  const deadline = Date.now() + options.budgetMs;
  for (;;) {
    try {
      await work();
      return true;
    } catch (error) {
      if (toLoreError(error).code !== 'storage_unavailable') return false;
      if (options.until() || Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
    }
  }
}
