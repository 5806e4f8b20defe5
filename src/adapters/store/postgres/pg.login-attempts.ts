import type { AttemptWindow, LoginAttemptStore } from '../../../ports/login-attempts.port.js';
import type { Queryable } from './database.js';

/**
 * Milliseconds since the epoch: the injected clock (tests) or the database's transaction time (one
 * value within a statement, one clock for every replica).
 */
const nowMs = (placeholder: string) =>
  `coalesce(${placeholder}::bigint, (extract(epoch from now()) * 1000)::bigint)`;

/**
 * Sign-in attempt windows on PostgreSQL: one `INSERT … ON CONFLICT DO UPDATE` per attempt, which
 * locks the key's row, so concurrent attempts from any number of replicas are all counted.
 */
export class PgLoginAttempts implements LoginAttemptStore {
  constructor(
    private readonly db: Queryable,
    private readonly clock?: () => number,
  ) {}

  async count(key: string, windowMs: number): Promise<AttemptWindow> {
    const now = nowMs('$3');
    const result = await this.db.query<{ attempts: number; remaining: number }>(
      `INSERT INTO login_attempts AS a (key, attempts, window_ends_at) VALUES ($1, 1, ${now} + $2)
       ON CONFLICT (key) DO UPDATE SET
         attempts = CASE WHEN a.window_ends_at <= ${now} THEN 1 ELSE a.attempts + 1 END,
         window_ends_at = CASE WHEN a.window_ends_at <= ${now} THEN ${now} + $2 ELSE a.window_ends_at END
       RETURNING a.attempts, a.window_ends_at - ${now} AS remaining`,
      [key, windowMs, this.clock?.() ?? null],
    );
    const row = result.rows[0]!;
    return { attempts: row.attempts, remainingMs: Math.max(0, Number(row.remaining)) };
  }

  async forgive(key: string): Promise<void> {
    await this.db.query(
      `UPDATE login_attempts SET attempts = greatest(attempts - 1, 0)
       WHERE key = $1 AND window_ends_at > ${nowMs('$2')}`,
      [key, this.clock?.() ?? null],
    );
  }

  async clear(key: string): Promise<void> {
    await this.db.query('DELETE FROM login_attempts WHERE key = $1', [key]);
  }

  async prune(): Promise<number> {
    const result = await this.db.query(`DELETE FROM login_attempts WHERE window_ends_at <= ${nowMs('$1')}`, [
      this.clock?.() ?? null,
    ]);
    return result.rowCount ?? 0;
  }
}
