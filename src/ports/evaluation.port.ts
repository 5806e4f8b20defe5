import type { EvaluationReport } from '../core/evaluation/evaluate.service.js';

export type EvaluationState = 'queued' | 'running' | 'done' | 'failed';

/** Metrics of one judged query in a run. */
export interface QueryScore {
  queryId: string;
  ndcgAt10: number;
  recallAt100: number;
  mrrAt10: number;
}

/** One evaluation run (the evaluation page's history), kept after its throwaway store is gone. */
export interface EvaluationRecord {
  id: string;
  /** Dataset folder name, or the uploaded archive's name. */
  dataset: string;
  source: 'folder' | 'upload';
  state: EvaluationState;
  /** The queue job running it. */
  jobId?: string;
  createdBy?: string;
  createdAt: string;
  finishedAt?: string;
  report?: EvaluationReport;
  perQuery?: QueryScore[];
  error?: string;
}

/** Evaluation runs: created when queued, updated as the job runs, listed newest first. */
export interface EvaluationStore {
  create(record: EvaluationRecord): Promise<void>;
  update(id: string, change: Partial<Omit<EvaluationRecord, 'id' | 'createdAt'>>): Promise<void>;
  get(id: string): Promise<EvaluationRecord | undefined>;
  list(limit: number): Promise<EvaluationRecord[]>;
}
