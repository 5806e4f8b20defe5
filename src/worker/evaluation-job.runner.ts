import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBeirDataset } from '../adapters/dataset/beir.reader.js';
import { createApp, type LoreApp } from '../app/create-app.js';
import { toLoreError } from '../core/errors.js';
import { evaluate, type RunLine } from '../core/evaluation/evaluate.service.js';
import { ndcgAt, recallAt, reciprocalRankAt } from '../core/evaluation/metrics.js';
import type { EvaluationStore, QueryScore } from '../ports/evaluation.port.js';
import type { Job, Queue } from '../ports/queue.port.js';
import { type JobContext, type JobResult, JobRunner, type JobRunnerOptions } from './job-runner.js';

export const evaluationJobKind = 'evaluation';

/** Payload of an `evaluation` job: the run and the dataset folder to read. */
export interface EvaluationJobPayload {
  evaluationId: string;
  folder: string;
  /** Unpacked upload to delete afterwards. */
  cleanup?: string;
  split?: string;
}

/**
 * Runs `evaluation` jobs from the durable queue in the worker role (the loop, leases and shutdown
 * are JobRunner's), each in a throwaway store (as `lore eval` does), recording progress on the job
 * and the result in the EvaluationStore. A failed run is final: the same dataset would fail again.
 */
export class EvaluationJobRunner extends JobRunner {
  constructor(
    private readonly app: LoreApp,
    queue: Queue,
    private readonly evaluations: EvaluationStore,
    options: JobRunnerOptions = { leaseMs: 120_000, idleMs: 2_000 },
  ) {
    super(queue, [evaluationJobKind], options, 'evaluation');
  }

  protected async work(job: Job, context: JobContext): Promise<JobResult> {
    const payload = job.payload as EvaluationJobPayload;
    try {
      await this.evaluations.update(payload.evaluationId, { state: 'running' });
      const result = await this.run(payload, (progress) => context.progress(progress));
      await this.evaluations.update(payload.evaluationId, {
        state: 'done',
        report: result.report,
        perQuery: result.perQuery,
        finishedAt: new Date().toISOString(),
      });
      return {};
    } catch (error) {
      const problem = toLoreError(error);
      await this.evaluations.update(payload.evaluationId, {
        state: 'failed',
        error: problem.message,
        finishedAt: new Date().toISOString(),
      });
      return { failed: problem };
    } finally {
      if (payload.cleanup) await rm(payload.cleanup, { recursive: true, force: true });
    }
  }

  private async run(payload: EvaluationJobPayload, beat: (progress: Record<string, number>) => void) {
    const dataset = readBeirDataset(payload.folder, payload.split ?? 'test');
    const dataDir = await mkdtemp(join(tmpdir(), 'lore-eval-'));
    const { databaseUrl: _database, blobUrl: _blobs, ...config } = this.app.config;
    const throwaway = await createApp({ ...config, dataDir }, { keepOriginals: false });
    try {
      const mode = throwaway.embedder ? 'hybrid' : 'lexical';
      const { report, run } = await evaluate(
        dataset,
        {
          ingest: (input) => throwaway.ingest.ingest(input),
          search: throwaway.search,
          concurrency: config.parseConcurrency,
        },
        {
          mode,
          onProgress: (phase, done, total) =>
            beat(
              phase === 'ingest'
                ? { documents: done, documentsTotal: total }
                : { queries: done, queriesTotal: total },
            ),
        },
      );
      return { report, perQuery: perQueryScores(run, dataset.qrels) };
    } finally {
      await throwaway.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

/** nDCG@10, Recall@100 and MRR@10 of each judged query, from the TREC run lines. */
export function perQueryScores(
  run: readonly RunLine[],
  qrels: ReadonlyMap<string, ReadonlyMap<string, number>>,
): QueryScore[] {
  const ranked = new Map<string, string[]>();
  for (const line of run) {
    const [queryId, , documentId] = line.split(' ');
    if (!queryId || !documentId) continue;
    const list = ranked.get(queryId) ?? [];
    list.push(documentId);
    ranked.set(queryId, list);
  }
  return [...qrels.entries()].map(([queryId, judged]) => {
    const list = ranked.get(queryId) ?? [];
    return {
      queryId,
      ndcgAt10: ndcgAt(list, judged, 10),
      recallAt100: recallAt(list, judged, 100),
      mrrAt10: reciprocalRankAt(list, judged, 10),
    };
  });
}
