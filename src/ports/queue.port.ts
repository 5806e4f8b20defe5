import type { ErrorCode } from '../core/errors.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Job<P = unknown> {
  id: string;
  kind: string;
  payload: P;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  /** Last error message, when the job failed or is being retried. */
  error?: string;
  /** The `LoreError` code of that error (`file_corrupt`, `provider_error`, …), when it had one. */
  errorCode?: ErrorCode;
  progress: Record<string, number>;
  createdAt: string;
  updatedAt: string;
}

/** Why a job failed, as stored with it. */
export interface JobFailure {
  message: string;
  code?: ErrorCode;
}

export interface EnqueueOptions {
  maxAttempts?: number;
  /** A job with the same key that is queued or running is returned instead of a new one. */
  dedupKey?: string;
  /**
   * Jobs with the same key run one at a time, in the order they were queued: a job is not claimed
   * while an older one with its key is queued or running (e.g. two uploads of one file: the newer
   * must be indexed last, even when the older is retried after a crash).
   */
  orderKey?: string;
}

/**
 * Durable job queue. A claimed job holds a lease; a job whose lease expires (its process died)
 * is claimed again, so work survives crashes.
 */
export interface Queue {
  enqueue<P>(kind: string, payload: P, options?: EnqueueOptions): Promise<Job<P>>;
  /** Claims the oldest runnable job of the given kinds, or returns undefined. */
  claim(kinds: readonly string[], workerId: string, leaseMs: number): Promise<Job | undefined>;
  heartbeat(
    jobId: string,
    workerId: string,
    leaseMs: number,
    progress?: Record<string, number>,
  ): Promise<void>;
  complete(jobId: string, workerId: string): Promise<void>;
  /**
   * Records a failure (its message and, when it was a `LoreError`, its code); the job is retried
   * with backoff until `maxAttempts`, then fails.
   */
  fail(jobId: string, workerId: string, error: JobFailure, retryable: boolean): Promise<void>;
  /**
   * Gives a claimed job back without counting the attempt (graceful shutdown): it is queued again
   * at once for another worker. A no-op when `workerId` no longer holds the lease.
   */
  release(jobId: string, workerId: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  get(jobId: string): Promise<Job | undefined>;
  counts(): Promise<Record<JobState, number>>;
}
