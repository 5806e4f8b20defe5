import { hostname } from 'node:os';
import { type LoreError, toLoreError } from '../core/errors.js';
import type { Job, Queue } from '../ports/queue.port.js';
import { jobFailure } from './job-failure.js';
import { StorageBackoff, whenStorageAnswers } from './storage-backoff.js';

export interface JobRunnerOptions {
  /** How long a claimed job stays ours without a heartbeat. */
  leaseMs: number;
  /** Pause between polls when the queue is empty. */
  idleMs: number;
  /** A poll or a job's bookkeeping failed (database down or full): for the log. */
  onError?: (error: unknown) => void;
}

/** What a job's work gets from the runner. */
export interface JobContext {
  /** Records progress on the job (sent with the next heartbeat, at most every 500 ms at once). */
  progress(progress: Record<string, number>): void;
  /** Aborted when the runner is stopped or the caller's signal aborts. */
  signal: AbortSignal;
}

/** How a job's work ended without throwing: done (with final progress), or failed for good. */
export type JobResult = { progress?: Record<string, number> } | { failed: LoreError };

export type StopOutcome = 'idle' | 'finished' | 'released';

/**
 * The durable-queue loop every worker job kind shares: claim a job of `kinds`, heartbeat with
 * progress while `work` runs, then complete it, or fail it (a thrown error is retried with the
 * queue's backoff when `retryable`; a returned `{failed}` is final). While the database is
 * unreachable (`storage_unavailable`) the job in hand is given back uncounted as soon as it answers
 * again, and polling backs off. `stop()` waits for the job in hand, then releases it past its bound.
 */
export abstract class JobRunner {
  protected readonly workerId: string;
  private stopping = false;
  private readonly stopped = new AbortController();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private current: Job | undefined;
  private readonly backoff = new StorageBackoff();

  constructor(
    protected readonly queue: Queue,
    private readonly kinds: readonly string[],
    protected readonly runnerOptions: JobRunnerOptions,
    name: string,
  ) {
    this.workerId = `${hostname()}:${process.pid}:${name}:${Math.random().toString(36).slice(2, 8)}`;
  }

  /** The job-specific work. Throw to fail (retried when `retryable`), return `{failed}` to fail for good. */
  protected abstract work(job: Job, context: JobContext): Promise<JobResult>;

  /** Whether a thrown error is worth another attempt. */
  protected retryable(_error: unknown): boolean {
    return true;
  }

  /** Starts polling in the background. */
  start(): void {
    this.loop ??= this.poll();
  }

  /**
   * Stops polling and lets the current job finish within `timeoutMs`; past that the job's lease is
   * released (the job is queued again, the attempt not counted) so another worker takes it at once.
   * Resolves to what happened to the job in flight.
   */
  async stop(timeoutMs = Number.POSITIVE_INFINITY): Promise<StopOutcome> {
    this.stopping = true;
    this.stopped.abort();
    this.wake?.();
    if (!this.loop) return 'idle';
    const busy = this.current !== undefined;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.loop.then(() => true),
      new Promise<boolean>((resolve) => {
        if (Number.isFinite(timeoutMs)) timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (finished) return busy ? 'finished' : 'idle';
    const job = this.current;
    if (job) await this.queue.release(job.id, this.workerId);
    return 'released';
  }

  /** Signals that work was just enqueued, so the runner need not wait for its next poll. */
  notify(): void {
    this.wake?.();
  }

  /** Processes jobs until none is runnable (or `signal` aborts); returns how many ran. For CLIs and tests. */
  async drain(signal?: AbortSignal): Promise<number> {
    let count = 0;
    while (!signal?.aborted && (await this.runOne(signal))) count++;
    return count;
  }

  private async poll(): Promise<void> {
    while (!this.stopping) {
      const ran = await this.runOne().then(
        (ran) => {
          this.backoff.succeeded();
          return ran;
        },
        (error: unknown) => {
          this.backoff.failed(error);
          this.runnerOptions.onError?.(error);
          return false;
        },
      );
      if (!ran && !this.stopping) {
        await new Promise<void>((resolve) => {
          // While the database is unreachable or locked, poll less and less often (up to 15 s).
          const timer = setTimeout(resolve, this.backoff.delay(this.runnerOptions.idleMs));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** Claims and runs one job; false when the queue has none. */
  async runOne(signal?: AbortSignal): Promise<boolean> {
    const { leaseMs } = this.runnerOptions;
    const job = await this.queue.claim(this.kinds, this.workerId, leaseMs);
    if (!job) return false;
    this.current = job;
    let progress: Record<string, number> = {};
    let lastBeat = 0;
    const beat = () => {
      lastBeat = Date.now();
      void this.queue.heartbeat(job.id, this.workerId, leaseMs, progress).catch(() => undefined);
    };
    const heartbeat = setInterval(beat, leaseMs / 3);
    const aborted = signal ? AbortSignal.any([signal, this.stopped.signal]) : this.stopped.signal;
    try {
      const result = await this.work(job, {
        signal: aborted,
        progress: (next) => {
          progress = { ...next };
          if (Date.now() - lastBeat >= 500) beat();
        },
      });
      if ('failed' in result) {
        await this.queue.fail(job.id, this.workerId, jobFailure(result.failed), false);
      } else {
        await this.queue.heartbeat(job.id, this.workerId, leaseMs, { ...progress, ...result.progress });
        await this.queue.complete(job.id, this.workerId);
      }
    } catch (error) {
      if (toLoreError(error).code === 'storage_unavailable') {
        // Not the job's fault: once the database answers again, give the job back uncounted.
        await whenStorageAnswers(() => this.queue.release(job.id, this.workerId), {
          until: () => this.stopping || signal?.aborted === true,
          budgetMs: leaseMs,
        });
        throw error;
      }
      await this.queue.fail(job.id, this.workerId, jobFailure(error), this.retryable(error));
    } finally {
      clearInterval(heartbeat);
      this.current = undefined;
    }
    return true;
  }
}
