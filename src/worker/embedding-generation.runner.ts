import { hostname } from 'node:os';
import { toLoreError } from '../core/errors.js';
import {
  type CollectionEmbeddingPayload,
  type CollectionEmbeddings,
  collectionEmbeddingJobKind,
} from '../core/index-generation/collection-embeddings.service.js';
import {
  type EmbeddingGenerationPayload,
  type EmbeddingGenerations,
  embeddingGenerationJobKind,
} from '../core/index-generation/embedding-generations.service.js';
import type { Queue } from '../ports/queue.port.js';
import { jobFailure } from './job-failure.js';
import { whenStorageAnswers } from './storage-backoff.js';

/**
 * Runs embedding index-generation jobs from the durable queue (the deployment's and, given
 * `collections`, single collections'): claims one, heartbeats with
 * `{done, total}` progress while backfilling, and completes after the switch. A crash resumes from
 * what is already embedded (the build only embeds missing vectors).
 *
 * @example
 * const runner = new EmbeddingGenerationRunner(queue, generations, { leaseMs: 60_000 });
 * await runner.drain(); // CLI; or runner.runOne() from the worker loop
 */
export class EmbeddingGenerationRunner {
  private readonly workerId =
    `${hostname()}:${process.pid}:generation:${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly queue: Queue,
    private readonly generations: EmbeddingGenerations,
    private readonly options: {
      leaseMs: number;
      onProgress?: (done: number, total: number) => void;
      collections?: CollectionEmbeddings;
    },
  ) {}

  /** Runs jobs until none is runnable; returns how many ran. */
  async drain(signal?: AbortSignal): Promise<number> {
    let count = 0;
    while (!signal?.aborted && (await this.runOne(signal))) count++;
    return count;
  }

  /** Claims and runs one job; false when the queue has none. */
  async runOne(signal?: AbortSignal): Promise<boolean> {
    const collections = this.options.collections;
    const kinds = collections
      ? [embeddingGenerationJobKind, collectionEmbeddingJobKind]
      : [embeddingGenerationJobKind];
    const job = await this.queue.claim(kinds, this.workerId, this.options.leaseMs);
    if (!job) return false;
    let progress: Record<string, number> = {};
    const heartbeat = setInterval(() => {
      void this.queue.heartbeat(job.id, this.workerId, this.options.leaseMs, progress).catch(() => undefined);
    }, this.options.leaseMs / 3);
    try {
      const build = {
        ...(signal ? { signal } : {}),
        onProgress: (done: number, total: number) => {
          progress = { done, total };
          this.options.onProgress?.(done, total);
        },
      };
      if (collections && job.kind === collectionEmbeddingJobKind)
        await collections.build(job.payload as CollectionEmbeddingPayload, build);
      else await this.generations.build(job.payload as EmbeddingGenerationPayload, build);
      await this.queue.heartbeat(job.id, this.workerId, this.options.leaseMs, progress);
      await this.queue.complete(job.id, this.workerId);
    } catch (error) {
      if (toLoreError(error).code === 'storage_unavailable') {
        // The database went away mid-build: give the job back uncounted once it answers (the build resumes).
        await whenStorageAnswers(() => this.queue.release(job.id, this.workerId), {
          until: () => signal?.aborted === true,
          budgetMs: this.options.leaseMs,
        });
        throw error;
      }
      await this.queue.fail(job.id, this.workerId, jobFailure(error), true);
    } finally {
      clearInterval(heartbeat);
    }
    return true;
  }
}
