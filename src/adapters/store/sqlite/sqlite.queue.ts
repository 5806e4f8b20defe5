import { randomUUID } from 'node:crypto';
import { isErrorCode } from '../../../core/errors.js';
import type { EnqueueOptions, Job, JobFailure, JobState, Queue } from '../../../ports/queue.port.js';
import type { SqliteDatabase } from './database.js';

interface JobRow {
  id: string;
  kind: string;
  payload: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  error: string | null;
  error_code: string | null;
  progress: string;
  created_at: string;
  updated_at: string;
}

/** Base and cap of the exponential retry backoff. */
const backoffBaseMs = 1_000;
const backoffCapMs = 5 * 60_000;

/**
 * The embedded durable queue: a `jobs` table. Claiming is one immediate transaction, so two
 * processes on the same database never claim the same job; an expired lease makes a job runnable.
 */
export class SqliteQueue implements Queue {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async enqueue<P>(kind: string, payload: P, options: EnqueueOptions = {}): Promise<Job<P>> {
    // The job is read back inside the transaction: a failed read after the commit would be retried
    // (retryWhenBusy repeats the call) and queue the job twice.
    const run = this.db.transaction((): JobRow => {
      if (options.dedupKey) {
        const existing = this.db
          .prepare(`SELECT id FROM jobs WHERE dedup_key = ? AND state IN ('queued', 'running')`)
          .get(options.dedupKey) as { id: string } | undefined;
        if (existing) return this.row(existing.id);
      }
      const id = randomUUID();
      const stamp = new Date(this.now()).toISOString();
      this.db
        .prepare(
          `INSERT INTO jobs (id, kind, payload, state, max_attempts, dedup_key, order_key, run_after, created_at, updated_at)
           VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          kind,
          JSON.stringify(payload),
          options.maxAttempts ?? 3,
          options.dedupKey ?? null,
          options.orderKey ?? null,
          0,
          stamp,
          stamp,
        );
      return this.row(id);
    });
    return toJob(run.immediate()) as Job<P>;
  }

  private row(jobId: string): JobRow {
    return this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(jobId) as JobRow;
  }

  async claim(kinds: readonly string[], workerId: string, leaseMs: number): Promise<Job | undefined> {
    const now = this.now();
    const claimed = this.db
      .transaction((): string | undefined => {
        const row = this.db
          .prepare(
            `SELECT id FROM jobs
             WHERE kind IN (SELECT value FROM json_each(?))
               AND ((state = 'queued' AND run_after <= ?) OR (state = 'running' AND lease_expires_at < ?))
               AND (order_key IS NULL OR NOT EXISTS (
                 SELECT 1 FROM jobs older WHERE older.order_key = jobs.order_key
                   AND older.state IN ('queued', 'running') AND older.rowid < jobs.rowid))
             ORDER BY created_at, id LIMIT 1`,
          )
          .get(JSON.stringify(kinds), now, now) as { id: string } | undefined;
        if (!row) return undefined;
        this.db
          .prepare(
            `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?,
               updated_at = ? WHERE id = ?`,
          )
          .run(workerId, now + leaseMs, new Date(now).toISOString(), row.id);
        return row.id;
      })
      .immediate();
    return claimed ? this.get(claimed) : undefined;
  }

  async heartbeat(jobId: string, workerId: string, leaseMs: number, progress?: Record<string, number>) {
    const now = this.now();
    this.db
      .prepare(
        `UPDATE jobs SET lease_expires_at = ?, progress = coalesce(?, progress), updated_at = ?
         WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      )
      .run(
        now + leaseMs,
        progress ? JSON.stringify(progress) : null,
        new Date(now).toISOString(),
        jobId,
        workerId,
      );
  }

  async complete(jobId: string, workerId: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'done', lease_owner = NULL, lease_expires_at = NULL, error = NULL, updated_at = ?
         WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      )
      .run(new Date(this.now()).toISOString(), jobId, workerId);
  }

  async fail(jobId: string, workerId: string, error: JobFailure, retryable: boolean): Promise<void> {
    const now = this.now();
    const row = this.db.prepare('SELECT attempts, max_attempts FROM jobs WHERE id = ?').get(jobId) as
      | { attempts: number; max_attempts: number }
      | undefined;
    if (!row) return;
    const retry = retryable && row.attempts < row.max_attempts;
    const delay = Math.min(backoffCapMs, backoffBaseMs * 2 ** (row.attempts - 1)) * (0.5 + Math.random() / 2);
    this.db
      .prepare(
        `UPDATE jobs SET state = ?, error = ?, error_code = ?, run_after = ?, lease_owner = NULL,
           lease_expires_at = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      )
      .run(
        retry ? 'queued' : 'failed',
        error.message,
        error.code ?? null,
        retry ? now + delay : 0,
        new Date(now).toISOString(),
        jobId,
        workerId,
      );
  }

  async release(jobId: string, workerId: string): Promise<void> {
    const now = this.now();
    this.db
      .prepare(
        `UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), run_after = ?, lease_owner = NULL,
           lease_expires_at = NULL, updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      )
      .run(now, new Date(now).toISOString(), jobId, workerId);
  }

  async cancel(jobId: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE jobs SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE id = ? AND state IN ('queued', 'running')`,
      )
      .run(new Date(this.now()).toISOString(), jobId);
  }

  async get(jobId: string): Promise<Job | undefined> {
    const row = this.row(jobId) as JobRow | undefined;
    return row && toJob(row);
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    const rows = this.db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as {
      state: JobState;
      n: number;
    }[];
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.error_code !== null && isErrorCode(row.error_code) ? { errorCode: row.error_code } : {}),
    progress: JSON.parse(row.progress) as Record<string, number>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
