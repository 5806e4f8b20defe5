import type { AttemptWindow, LoginAttemptStore } from '../../../ports/login-attempts.port.js';
import type { SqliteDatabase } from './database.js';

/**
 * Milliseconds since the epoch: the injected clock (tests) or SQLite's, which returns one value for
 * every use within a statement (so a statement sees one "now").
 */
const nowMs = "coalesce(@now, CAST(unixepoch('subsec') * 1000 AS INTEGER))";

/**
 * Sign-in attempt windows in the embedded database: one upsert per attempt, which SQLite runs under
 * its write lock, so processes sharing the database file never lose a count.
 */
export class SqliteLoginAttempts implements LoginAttemptStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock?: () => number,
  ) {}

  async count(key: string, windowMs: number): Promise<AttemptWindow> {
    const row = this.db
      .prepare(
        `INSERT INTO login_attempts (key, attempts, window_ends_at) VALUES (@key, 1, ${nowMs} + @window)
         ON CONFLICT (key) DO UPDATE SET
           attempts = CASE WHEN window_ends_at <= ${nowMs} THEN 1 ELSE attempts + 1 END,
           window_ends_at = CASE WHEN window_ends_at <= ${nowMs} THEN ${nowMs} + @window ELSE window_ends_at END
         RETURNING attempts, window_ends_at - ${nowMs} AS remaining`,
      )
      .get({ key, window: windowMs, now: this.clock?.() ?? null }) as { attempts: number; remaining: number };
    return { attempts: row.attempts, remainingMs: Math.max(0, row.remaining) };
  }

  async forgive(key: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE login_attempts SET attempts = max(attempts - 1, 0) WHERE key = @key AND window_ends_at > ${nowMs}`,
      )
      .run({ key, now: this.clock?.() ?? null });
  }

  async clear(key: string): Promise<void> {
    this.db.prepare('DELETE FROM login_attempts WHERE key = ?').run(key);
  }

  async prune(): Promise<number> {
    return this.db
      .prepare(`DELETE FROM login_attempts WHERE window_ends_at <= ${nowMs}`)
      .run({ now: this.clock?.() ?? null }).changes;
  }
}
