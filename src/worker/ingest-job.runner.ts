import { hostname } from 'node:os';
import { toLoreError } from '../core/errors.js';
import type { IngestOutcome, IngestService } from '../core/ingest/ingest.service.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { Job, Queue } from '../ports/queue.port.js';
import { jobFailure } from './job-failure.js';
import { StorageBackoff, whenStorageAnswers } from './storage-backoff.js';

/** Job kind for ingesting one uploaded file. */
export const ingestJobKind = 'ingest-file';

/** What an ingest job carries: the original is already in the blob store. */
export interface IngestJobPayload {
  blobKey: string;
  fileName: string;
  source: string;
  collection: string;
  /** The collection's id at upload time (older jobs carry only the name). */
  collectionId?: string;
  tags: string[];
  /** Re-index even when the content is unchanged. */
  force?: boolean;
  /** User who uploaded it (for access checks on the job). */
  requestedBy?: string;
}

export interface IngestJobRunnerOptions {
  /** How long a claimed job stays ours without a heartbeat. */
  leaseMs: number;
  /** Pause between polls when the queue is empty. */
  idleMs: number;
  onOutcome?: (job: Job, outcome: IngestOutcome) => void;
  /** A poll or a job's bookkeeping failed (database down or full): for the log. */
  onError?: (error: unknown) => void;
}

/**
 * Runs ingest jobs from the durable queue: claims one, heartbeats while it runs, records the outcome.
 * A bad file finishes its job as failed (no retry: the same bytes would fail again); an unexpected
 * error is retried with backoff. If the process dies, the lease expires and another worker resumes.
 * While the database is unreachable (`storage_unavailable`) the job in hand is given back uncounted
 * as soon as it answers again, and polling backs off.
 */
export class IngestJobRunner {
  private readonly workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private current: Job | undefined;
  private readonly backoff = new StorageBackoff();

  constructor(
    private readonly queue: Queue,
    private readonly blobs: BlobStore,
    private readonly ingest: IngestService,
    private readonly options: IngestJobRunnerOptions,
  ) {}

  /** Starts polling in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Stops polling and lets the current job finish within `timeoutMs`; past that the job's lease is
   * released (the job is queued again, the attempt not counted) so another worker takes it at once.
   * Resolves to what happened to the job in flight.
   */
  async stop(timeoutMs = Number.POSITIVE_INFINITY): Promise<'idle' | 'finished' | 'released'> {
    this.stopping = true;
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

  /** Processes jobs until none is runnable; returns how many ran. For CLIs and tests. */
  async drain(): Promise<number> {
    let count = 0;
    while (await this.runOne()) count++;
    return count;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const ran = await this.runOne().then(
        (ran) => {
          this.backoff.succeeded();
          return ran;
        },
        (error: unknown) => {
          this.backoff.failed(error);
          this.options.onError?.(error);
          return false;
        },
      );
      if (!ran && !this.stopping) {
        await new Promise<void>((resolve) => {
          // While the database is unreachable or locked, poll less and less often (up to 15 s).
          const timer = setTimeout(resolve, this.backoff.delay(this.options.idleMs));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  private async runOne(): Promise<boolean> {
    const job = await this.queue.claim([ingestJobKind], this.workerId, this.options.leaseMs);
    if (!job) return false;
    this.current = job;
    const payload = job.payload as IngestJobPayload;
    let reported: Record<string, number> = {};
    const heartbeat = setInterval(() => {
      void this.queue.heartbeat(job.id, this.workerId, this.options.leaseMs).catch(() => undefined);
    }, this.options.leaseMs / 3);
    try {
      const bytes = await this.blobs.get(payload.blobKey);
      const outcome = await this.ingest.ingest({
        bytes,
        fileName: payload.fileName,
        source: payload.source,
        collection: payload.collection,
        ...(payload.collectionId ? { collectionId: payload.collectionId } : {}),
        tags: payload.tags,
        ...(payload.force ? { force: true } : {}),
        onProgress: (progress) => {
          reported = { ...progress };
          void this.queue
            .heartbeat(job.id, this.workerId, this.options.leaseMs, reported)
            .catch(() => undefined);
        },
      });
      this.options.onOutcome?.(job, outcome);
      if (outcome.status === 'failed') {
        await this.queue.fail(
          job.id,
          this.workerId,
          outcome.error
            ? { message: outcome.error.message, code: outcome.error.code }
            : { message: 'failed', code: 'internal' },
          false,
        );
      } else {
        await this.queue.heartbeat(job.id, this.workerId, this.options.leaseMs, {
          ...reported,
          chunks: outcome.chunks ?? outcome.document?.chunkCount ?? 0,
          pages: outcome.pages ?? outcome.document?.pageCount ?? 0,
        });
        await this.queue.complete(job.id, this.workerId);
      }
    } catch (error) {
      if (toLoreError(error).code === 'storage_unavailable') {
        // Not the file's fault: once the database answers again, give the job back uncounted.
        await whenStorageAnswers(() => this.queue.release(job.id, this.workerId), {
          until: () => this.stopping,
          budgetMs: this.options.leaseMs,
        });
        throw error;
      }
      await this.queue.fail(job.id, this.workerId, jobFailure(error), true);
    } finally {
      clearInterval(heartbeat);
      this.current = undefined;
    }
    return true;
  }
}
