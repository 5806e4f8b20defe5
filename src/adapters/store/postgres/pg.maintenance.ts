import type { Maintenance } from '../../../ports/maintenance.port.js';
import type { Queryable } from './database.js';

/** Leases live in the `settings` table under this prefix, one row per lease (as in the embedded store). */
const leasePrefix = 'lease:';

/** Milliseconds since the epoch: the injected clock (tests) or the database's (one clock for every process). */
const nowMs = (placeholder: string) =>
  `coalesce(${placeholder}::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint)`;

/**
 * Maintenance on PostgreSQL: a lease is taken with one conditional upsert (atomic across processes);
 * the clean-ups are plain updates and deletes.
 */
export class PgMaintenance implements Maintenance {
  constructor(
    private readonly db: Queryable,
    private readonly clock?: () => number,
  ) {}

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const result = await this.db.query(
      `INSERT INTO settings (key, value)
       VALUES ($1, json_build_object('owner', $2::text, 'expiresAt', ${nowMs('$4')} + $3)::text)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value
       WHERE (settings.value::jsonb ->> 'owner') = $2
          OR (settings.value::jsonb ->> 'expiresAt')::bigint <= ${nowMs('$4')}
       RETURNING key`,
      [leasePrefix + name, owner, ttlMs, this.clock?.() ?? null],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.db.query(`DELETE FROM settings WHERE key = $1 AND (value::jsonb ->> 'owner') = $2`, [
      leasePrefix + name,
      owner,
    ]);
  }

  async requeueExpiredJobs(): Promise<{ requeued: number; failed: number }> {
    const stamp = this.clock ? new Date(this.clock()).toISOString() : null;
    const now = 'coalesce($1::timestamptz, clock_timestamp())';
    const failed = await this.db.query(
      `UPDATE jobs SET state = 'failed', error = coalesce(error, 'its worker stopped responding on every attempt'),
         lease_owner = NULL, lease_expires_at = NULL, updated_at = ${now}
       WHERE state = 'running' AND lease_expires_at < ${now} AND attempts >= max_attempts`,
      [stamp],
    );
    const requeued = await this.db.query(
      `UPDATE jobs SET state = 'queued', run_after = ${now}, lease_owner = NULL, lease_expires_at = NULL,
         updated_at = ${now}
       WHERE state = 'running' AND lease_expires_at < ${now}`,
      [stamp],
    );
    return { requeued: requeued.rowCount ?? 0, failed: failed.rowCount ?? 0 };
  }

  async pruneFinishedJobs(before: Date): Promise<number> {
    const result = await this.db.query(
      `DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND updated_at < $1`,
      [before.toISOString()],
    );
    return result.rowCount ?? 0;
  }

  async pruneChangeLog(before: Date): Promise<number> {
    const result = await this.db.query('DELETE FROM chunk_deletions WHERE deleted_at < $1', [
      before.toISOString(),
    ]);
    return result.rowCount ?? 0;
  }

  async ping(): Promise<void> {
    if ((this.db as { ended?: boolean }).ended) throw new Error('the database connection pool is not open');
    await this.db.query('SELECT 1');
  }
}
