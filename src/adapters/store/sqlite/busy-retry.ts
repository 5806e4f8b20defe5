import Database from 'better-sqlite3';

/** Synchronous busy wait per attempt: short, because it blocks the whole process. */
export const busyAttemptMs = 5;

function isBusy(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED'))
  );
}

/**
 * Wraps an embedded adapter so that a write finding the database locked by another process is
 * retried asynchronously (10 ms, doubling to 100 ms between attempts) for up to `budgetMs`, instead
 * of SQLite's busy handler sleeping inside the call: better-sqlite3 is synchronous, so a long busy
 * timeout would freeze every request of the process while one write waits. A locked write does
 * nothing (its statement or transaction did not run), so calling the method again is safe. After
 * the budget the SQLITE_BUSY error is thrown (LoreError `storage_unavailable` for callers).
 *
 * @example
 * const queue = retryWhenBusy(new SqliteQueue(db), config.sqliteBusyTimeoutMs);
 */
export function retryWhenBusy<T extends object>(adapter: T, budgetMs: number): T {
  return new Proxy(adapter, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const first: unknown = value.apply(target, args);
        if (!(first instanceof Promise)) return first;
        return first.catch((error: unknown) => {
          if (!isBusy(error)) throw error;
          return retry(() => value.apply(target, args) as Promise<unknown>, budgetMs);
        });
      };
    },
  });
}

async function retry(call: () => Promise<unknown>, budgetMs: number): Promise<unknown> {
  const deadline = Date.now() + budgetMs;
  let pause = 10;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(100, pause * 2);
    try {
      return await call();
    } catch (error) {
      if (!isBusy(error) || Date.now() + pause > deadline) throw error;
    }
  }
}
