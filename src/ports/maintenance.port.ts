/**
 * Housekeeping and coordination that every backend provides for operations: cluster-wide leases
 * (so one process runs each scheduled task), the scheduled clean-ups, and a cheap liveness check of
 * the database for `/readyz`.
 */
export interface Maintenance {
  /**
   * Takes or renews the lease `name` for `owner` until now + `ttlMs`. True when `owner` holds it
   * afterwards: nobody held it, it had expired, or `owner` already held it. Atomic across processes.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Drops the lease if `owner` holds it (graceful shutdown, so another process takes over at once). */
  releaseLease(name: string, owner: string): Promise<void>;

  /**
   * Running jobs whose lease expired (their worker died) go back to `queued`, or to `failed` once they
   * used all their attempts (a file that kills its worker is not retried forever). Returns how many.
   */
  requeueExpiredJobs(): Promise<{ requeued: number; failed: number }>;
  /** Deletes finished jobs (done, failed, cancelled) last updated before `before`. Returns how many. */
  pruneFinishedJobs(before: Date): Promise<number>;
  /**
   * Deletes change-log rows (chunk deletions the in-memory indexes follow) older than `before`.
   * Keep `before` far behind any live index cursor (every process syncs on its next search; the
   * scheduler keeps 30 days). Returns how many.
   */
  pruneChangeLog(before: Date): Promise<number>;

  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>;
}
