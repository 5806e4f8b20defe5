import { randomUUID } from 'node:crypto';
import { isErrorCode } from '../../../core/errors.js';
import type { EnqueueOptions, Job, JobFailure, JobState, Queue } from '../../../ports/queue.port.js';
import { inTransaction, type PgPool } from './database.js';
import { iso } from './rows.js';

interface PgJobRow {
  id: string;
  kind: string;
  payload: unknown;
  state: JobState;
  attempts: number;
  max_attempts: number;
  error: string | null;
  error_code: string | null;
  progress: Record<string, number>;
  created_at: Date;
  updated_at: Date;
}

/** Base and cap of the exponential retry backoff (as the embedded queue). */
const backoffBaseMs = 1_000;
const backoffCapMs = 5 * 60_000;

/** SQL for "now": the injected clock when given (tests), else the database's clock (one clock for every worker). */
const now = (placeholder: string) => `coalesce(${placeholder}::timestamptz, clock_timestamp())`;

/** A running job whose worker stopped heartbeating. */
export interface StuckJob {
  id: string;
  kind: string;
  leaseOwner: string;
  leaseExpiredAt: string;
  attempts: number;
  maxAttempts: number;
}

/**
 * The durable queue on PostgreSQL: many workers in many processes claim with
 * `FOR UPDATE SKIP LOCKED`, so a job is handed to one worker at a time and claims never block each
 * other. A claim holds a lease renewed by heartbeats; a job whose lease expired is claimed again
 * (its worker died), until its attempts are used up, when it is dead-lettered (`failed`, with the
 * reason). Completion, failure and heartbeats only count from the lease holder, so a job is never
 * completed twice.
 */
export class PgQueue implements Queue {
  constructor(
    private readonly pool: PgPool,
    private readonly clock?: () => number,
  ) {}

  private stamp(): string | null {
    return this.clock ? new Date(this.clock()).toISOString() : null;
  }

  async enqueue<P>(kind: string, payload: P, options: EnqueueOptions = {}): Promise<Job<P>> {
    // The job is read back inside the transaction: a second query after COMMIT could fail (pool
    // exhausted, database gone) and report a stored job as not queued.
    const row = await inTransaction(this.pool, async (client) => {
      if (options.dedupKey) {
        // Serialise enqueues of one key so two processes cannot both insert it.
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 1))', [options.dedupKey]);
        const existing = await client.query<PgJobRow>(
          `SELECT * FROM jobs WHERE dedup_key = $1 AND state IN ('queued', 'running') LIMIT 1`,
          [options.dedupKey],
        );
        if (existing.rows[0]) return existing.rows[0];
      }
      const inserted = await client.query<PgJobRow>(
        `INSERT INTO jobs (id, kind, payload, state, max_attempts, dedup_key, order_key, run_after, created_at, updated_at)
         VALUES ($1, $2, $3, 'queued', $4, $5, $7, '-infinity', ${now('$6')}, ${now('$6')})
         RETURNING *`,
        [
          randomUUID(),
          kind,
          JSON.stringify(payload),
          options.maxAttempts ?? 3,
          options.dedupKey ?? null,
          this.stamp(),
          options.orderKey ?? null,
        ],
      );
      return inserted.rows[0] as PgJobRow;
    });
    return toJob(row) as Job<P>;
  }

  async claim(kinds: readonly string[], workerId: string, leaseMs: number): Promise<Job | undefined> {
    const stamp = this.stamp();
    // Dead-letter jobs whose worker died on their last attempt (a file that kills its worker is not retried forever).
    await this.pool.query(
      `UPDATE jobs SET state = 'failed', error = coalesce(error, 'its worker stopped responding on every attempt'),
         error_code = CASE WHEN error IS NULL THEN 'internal' ELSE error_code END,
         lease_owner = NULL, lease_expires_at = NULL, updated_at = ${now('$1')}
       WHERE state = 'running' AND lease_expires_at < ${now('$1')} AND attempts >= max_attempts`,
      [stamp],
    );
    const result = await this.pool.query<PgJobRow>(
      `WITH candidate AS (
         SELECT id FROM jobs
         WHERE kind = ANY($1::text[])
           AND ((state = 'queued' AND run_after <= ${now('$4')})
             OR (state = 'running' AND lease_expires_at < ${now('$4')}))
           AND (order_key IS NULL OR NOT EXISTS (
             SELECT 1 FROM jobs older WHERE older.order_key = jobs.order_key
               AND older.state IN ('queued', 'running') AND older.seq < jobs.seq))
         ORDER BY created_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, lease_owner = $2,
         lease_expires_at = ${now('$4')} + $3 * interval '1 millisecond', updated_at = ${now('$4')}
       FROM candidate WHERE jobs.id = candidate.id
       RETURNING jobs.*`,
      [kinds, workerId, leaseMs, stamp],
    );
    return result.rows[0] && toJob(result.rows[0]);
  }

  async heartbeat(jobId: string, workerId: string, leaseMs: number, progress?: Record<string, number>) {
    await this.pool.query(
      `UPDATE jobs SET lease_expires_at = ${now('$5')} + $3 * interval '1 millisecond',
         progress = coalesce($4::jsonb, progress), updated_at = ${now('$5')}
       WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
      [jobId, workerId, leaseMs, progress ? JSON.stringify(progress) : null, this.stamp()],
    );
  }

  async complete(jobId: string, workerId: string): Promise<void> {
    await this.pool.query(
      `UPDATE jobs SET state = 'done', lease_owner = NULL, lease_expires_at = NULL, error = NULL,
         updated_at = ${now('$3')}
       WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
      [jobId, workerId, this.stamp()],
    );
  }

  async fail(jobId: string, workerId: string, error: JobFailure, retryable: boolean): Promise<void> {
    const row = await this.pool.query<{ attempts: number; max_attempts: number }>(
      'SELECT attempts, max_attempts FROM jobs WHERE id = $1',
      [jobId],
    );
    const job = row.rows[0];
    if (!job) return;
    const retry = retryable && job.attempts < job.max_attempts;
    const delay = Math.min(backoffCapMs, backoffBaseMs * 2 ** (job.attempts - 1)) * (0.5 + Math.random() / 2);
    await this.pool.query(
      `UPDATE jobs SET state = $3, error = $4, error_code = $7,
         run_after = CASE WHEN $3 = 'queued' THEN ${now('$6')} + $5 * interval '1 millisecond' ELSE run_after END,
         lease_owner = NULL, lease_expires_at = NULL, updated_at = ${now('$6')}
       WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
      [
        jobId,
        workerId,
        retry ? 'queued' : 'failed',
        error.message,
        Math.round(delay),
        this.stamp(),
        error.code ?? null,
      ],
    );
  }

  async release(jobId: string, workerId: string): Promise<void> {
    await this.pool.query(
      `UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), run_after = ${now('$3')},
         lease_owner = NULL, lease_expires_at = NULL, updated_at = ${now('$3')}
       WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
      [jobId, workerId, this.stamp()],
    );
  }

  async cancel(jobId: string): Promise<void> {
    await this.pool.query(
      `UPDATE jobs SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, updated_at = ${now('$2')}
       WHERE id = $1 AND state IN ('queued', 'running')`,
      [jobId, this.stamp()],
    );
  }

  async get(jobId: string): Promise<Job | undefined> {
    const result = await this.pool.query<PgJobRow>('SELECT * FROM jobs WHERE id = $1', [jobId]);
    return result.rows[0] && toJob(result.rows[0]);
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    const result = await this.pool.query<{ state: JobState; n: number }>(
      'SELECT state, count(*) AS n FROM jobs GROUP BY state',
    );
    for (const row of result.rows) counts[row.state] = row.n;
    return counts;
  }

  /** Running jobs whose lease has expired: their worker died or hangs (operations, `/metrics`). */
  async stuck(limit = 100): Promise<StuckJob[]> {
    const result = await this.pool.query<{
      id: string;
      kind: string;
      lease_owner: string;
      lease_expires_at: Date;
      attempts: number;
      max_attempts: number;
    }>(
      `SELECT id, kind, lease_owner, lease_expires_at, attempts, max_attempts FROM jobs
       WHERE state = 'running' AND lease_expires_at < ${now('$1')} ORDER BY lease_expires_at LIMIT $2`,
      [this.stamp(), limit],
    );
    return result.rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      leaseOwner: row.lease_owner,
      leaseExpiredAt: iso(row.lease_expires_at),
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
    }));
  }
}

function toJob(row: PgJobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    payload: row.payload,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.error_code !== null && isErrorCode(row.error_code) ? { errorCode: row.error_code } : {}),
    progress: row.progress,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
