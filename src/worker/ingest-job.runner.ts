import { LoreError } from '../core/errors.js';
import type { IngestOutcome, IngestService } from '../core/ingest/ingest.service.js';
import { type IngestJobPayload, ingestJobKind } from '../core/ingest/ingest-job.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { Job, Queue } from '../ports/queue.port.js';
import { type JobContext, type JobResult, JobRunner, type JobRunnerOptions } from './job-runner.js';

export { type IngestJobPayload, ingestJobKind } from '../core/ingest/ingest-job.js';

export interface IngestJobRunnerOptions extends JobRunnerOptions {
  onOutcome?: (job: Job, outcome: IngestOutcome) => void;
}

/**
 * Runs ingest jobs from the durable queue (the loop, leases and shutdown are JobRunner's).
 * A bad file finishes its job as failed (no retry: the same bytes would fail again); an unexpected
 * error is retried with backoff. If the process dies, the lease expires and another worker resumes.
 */
export class IngestJobRunner extends JobRunner {
  constructor(
    queue: Queue,
    private readonly blobs: BlobStore,
    private readonly ingest: IngestService,
    private readonly options: IngestJobRunnerOptions,
  ) {
    super(queue, [ingestJobKind], options, 'ingest');
  }

  protected async work(job: Job, context: JobContext): Promise<JobResult> {
    const payload = job.payload as IngestJobPayload;
    const bytes = await this.blobs.get(payload.blobKey);
    const outcome = await this.ingest.ingest({
      bytes,
      fileName: payload.fileName,
      source: payload.source,
      collection: payload.collection,
      ...(payload.collectionId ? { collectionId: payload.collectionId } : {}),
      tags: payload.tags,
      ...(payload.force ? { force: true } : {}),
      onProgress: (progress) => context.progress({ ...progress }),
    });
    this.options.onOutcome?.(job, outcome);
    if (outcome.status === 'failed') return { failed: toFailure(outcome) };
    return {
      progress: {
        chunks: outcome.chunks ?? outcome.document?.chunkCount ?? 0,
        pages: outcome.pages ?? outcome.document?.pageCount ?? 0,
      },
    };
  }
}

function toFailure(outcome: IngestOutcome): LoreError {
  return outcome.error ?? new LoreError('internal', 'failed');
}
