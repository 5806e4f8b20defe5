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
import type { Job, Queue } from '../ports/queue.port.js';
import { type JobContext, type JobResult, JobRunner, type JobRunnerOptions } from './job-runner.js';

export interface EmbeddingGenerationRunnerOptions extends Partial<JobRunnerOptions> {
  leaseMs: number;
  onProgress?: (done: number, total: number) => void;
  collections?: CollectionEmbeddings;
}

/**
 * Runs embedding index-generation jobs from the durable queue (the deployment's and, given
 * `collections`, single collections'; the loop, leases and shutdown are JobRunner's), with
 * `{done, total}` progress while backfilling; the job completes after the switch. A crash resumes
 * from what is already embedded (the build only embeds missing vectors). `stop()` aborts the build.
 *
 * @example
 * const runner = new EmbeddingGenerationRunner(queue, generations, { leaseMs: 60_000 });
 * await runner.drain(); // CLI; or runner.start() / runner.stop() in the worker role
 */
export class EmbeddingGenerationRunner extends JobRunner {
  constructor(
    queue: Queue,
    private readonly generations: EmbeddingGenerations,
    private readonly options: EmbeddingGenerationRunnerOptions,
  ) {
    super(
      queue,
      options.collections
        ? [embeddingGenerationJobKind, collectionEmbeddingJobKind]
        : [embeddingGenerationJobKind],
      { idleMs: 5_000, ...options },
      'generation',
    );
  }

  protected async work(job: Job, context: JobContext): Promise<JobResult> {
    const build = {
      signal: context.signal,
      onProgress: (done: number, total: number) => {
        context.progress({ done, total });
        this.options.onProgress?.(done, total);
      },
    };
    const collections = this.options.collections;
    if (collections && job.kind === collectionEmbeddingJobKind)
      await collections.build(job.payload as CollectionEmbeddingPayload, build);
    else await this.generations.build(job.payload as EmbeddingGenerationPayload, build);
    return {};
  }
}
