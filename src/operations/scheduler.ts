import type { Logger } from 'pino';
import type { Maintenance } from '../ports/maintenance.port.js';

/** A job the scheduler runs every `everyMs`, at most once per period across all processes. */
export interface ScheduledTask {
  /** Stable name; also the name of its lease. */
  name: string;
  everyMs: number;
  /** Returns a summary for the log (e.g. rows deleted), or nothing. */
  run(): Promise<unknown>;
}

export interface SchedulerOptions {
  maintenance: Pick<Maintenance, 'acquireLease' | 'releaseLease'>;
  /** Identifies this process in leases (host:pid:random). */
  owner: string;
  logger?: Logger;
  /** Called after each run, for metrics. */
  onRun?: (task: string, outcome: 'ok' | 'error', ms: number) => void;
}

/**
 * Runs registered tasks on timers. Before each run a process takes the task's lease through the
 * Maintenance port (a settings row in SQLite, a row lock in a server database) for 1.5 periods and
 * keeps renewing it while it lives, so with many processes on one database exactly one runs each
 * task and another takes over once the holder dies. Only processes with the `worker` role start it.
 *
 * @example
 * const scheduler = new Scheduler({ maintenance: app.maintenance, owner: workerId });
 * scheduler.register({ name: 'prune-sessions', everyMs: 3_600_000, run: () => sessions.prune() });
 * scheduler.start();
 */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<void>>();
  private started = false;

  constructor(private readonly options: SchedulerOptions) {}

  /** Adds a task; tasks registered after `start` begin at once. */
  register(task: ScheduledTask): this {
    if (this.tasks.some((existing) => existing.name === task.name)) {
      throw new Error(`a scheduled task named ${task.name} is already registered`);
    }
    this.tasks.push(task);
    if (this.started) this.schedule(task);
    return this;
  }

  /** Names of the registered tasks. */
  get taskNames(): string[] {
    return this.tasks.map((task) => task.name);
  }

  /** Starts the timers; each task first runs shortly after start (spread over a few seconds). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const task of this.tasks) this.schedule(task);
  }

  /** Runs one task now if this process gets its lease; resolves to whether it ran. */
  async tick(task: ScheduledTask): Promise<boolean> {
    const { maintenance, owner, logger, onRun } = this.options;
    let held = false;
    try {
      held = await maintenance.acquireLease(`scheduler:${task.name}`, owner, Math.round(task.everyMs * 1.5));
    } catch (error) {
      logger?.warn({ task: task.name, err: error }, 'scheduled task: lease check failed');
      return false;
    }
    if (!held) return false;
    const started = performance.now();
    try {
      const summary = await task.run();
      const ms = Math.round(performance.now() - started);
      onRun?.(task.name, 'ok', ms);
      logger?.info(
        { task: task.name, ms, ...(typeof summary === 'object' ? summary : {}) },
        'scheduled task finished',
      );
    } catch (error) {
      onRun?.(task.name, 'error', Math.round(performance.now() - started));
      logger?.error({ task: task.name, err: error }, 'scheduled task failed');
    }
    return true;
  }

  /** Stops the timers, waits for running tasks and gives up the leases so another process takes over. */
  async stop(): Promise<void> {
    this.started = false;
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
    await Promise.allSettled([...this.running]);
    await Promise.allSettled(
      this.tasks.map((task) =>
        this.options.maintenance.releaseLease(`scheduler:${task.name}`, this.options.owner),
      ),
    );
  }

  private schedule(task: ScheduledTask): void {
    const firstDelay = Math.min(task.everyMs, 1_000 + Math.random() * 4_000);
    const loop = (delay: number) => {
      const timer = setTimeout(() => {
        const run = this.tick(task).then(() => undefined);
        this.running.add(run);
        void run.finally(() => {
          this.running.delete(run);
          if (this.started) loop(task.everyMs);
        });
      }, delay);
      timer.unref();
      this.timers.push(timer);
    };
    loop(firstDelay);
  }
}
