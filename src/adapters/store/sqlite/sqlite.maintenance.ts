import type { Maintenance } from '../../../ports/maintenance.port.js';
import type { SqliteDatabase } from './database.js';

interface LeaseValue {
  owner: string;
  expiresAt: number;
}

/** Leases live in the `settings` table under this prefix, one row per lease. */
const leasePrefix = 'lease:';

/**
 * The embedded Maintenance: leases are rows of the `settings` table read and written in one
 * immediate transaction (so two processes on one database never both hold a lease); the clean-ups
 * are plain deletes and updates.
 */
export class SqliteMaintenance implements Maintenance {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const key = leasePrefix + name;
    return this.db
      .transaction((): boolean => {
        const now = this.now();
        const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
          | { value: string }
          | undefined;
        const current = row ? (JSON.parse(row.value) as LeaseValue) : undefined;
        if (current && current.owner !== owner && current.expiresAt > now) return false;
        const value: LeaseValue = { owner, expiresAt: now + ttlMs };
        this.db
          .prepare(
            'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
          )
          .run(key, JSON.stringify(value));
        return true;
      })
      .immediate();
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.db
      .prepare(`DELETE FROM settings WHERE key = ? AND json_extract(value, '$.owner') = ?`)
      .run(leasePrefix + name, owner);
  }

  async requeueExpiredJobs(): Promise<{ requeued: number; failed: number }> {
    return this.db
      .transaction(() => {
        const now = this.now();
        const stamp = new Date(now).toISOString();
        const failed = this.db
          .prepare(
            `UPDATE jobs SET state = 'failed', error = coalesce(error, 'its worker stopped responding on every attempt'),
               error_code = CASE WHEN error IS NULL THEN 'internal' ELSE error_code END,
               lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
             WHERE state = 'running' AND lease_expires_at < ? AND attempts >= max_attempts`,
          )
          .run(stamp, now).changes;
        const requeued = this.db
          .prepare(
            `UPDATE jobs SET state = 'queued', run_after = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
             WHERE state = 'running' AND lease_expires_at < ?`,
          )
          .run(now, stamp, now).changes;
        return { requeued, failed };
      })
      .immediate();
  }

  async pruneFinishedJobs(before: Date): Promise<number> {
    return this.db
      .prepare(`DELETE FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND updated_at < ?`)
      .run(before.toISOString()).changes;
  }

  async pruneChangeLog(before: Date): Promise<number> {
    return this.db
      .prepare('DELETE FROM chunk_deletions WHERE deleted_at < ?')
      .run(Math.floor(before.getTime() / 1000)).changes;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }
}
