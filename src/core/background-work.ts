import { AsyncLocalStorage } from 'node:async_hooks';

const background = new AsyncLocalStorage<true>();

/**
 * Runs `work` — and everything it schedules: its promises, timers and loops — as background work
 * (worker job runners, backfills, the scheduler, evaluation runs). Storage adapters that keep a
 * separate, capped set of connections for such work (PostgreSQL's LORE_DB_BACKGROUND_POOL_SIZE)
 * use it for these calls, so a busy worker cannot take the connections requests are served with.
 *
 * @example runAsBackground(() => runner.start());
 */
export function runAsBackground<T>(work: () => T): T {
  return background.run(true, work);
}

/** Whether the caller runs inside `runAsBackground`. */
export function isBackgroundWork(): boolean {
  return background.getStore() === true;
}
