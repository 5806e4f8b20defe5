import type { EvaluationRecord } from '../../ports/evaluation.port.js';
import { type Instant, instantText, type JsonColumn, jsonColumn } from './row-values.js';

/** An `evaluations` row (the same columns in the SQLite and PostgreSQL schemas). */
export interface EvaluationRow {
  id: string;
  dataset: string;
  source: string;
  state: string;
  job_id: string | null;
  created_by: string | null;
  created_at: Instant;
  finished_at: Instant | null;
  report: JsonColumn<NonNullable<EvaluationRecord['report']>> | null;
  per_query: JsonColumn<NonNullable<EvaluationRecord['perQuery']>> | null;
  error: string | null;
}

/** Updatable fields and their columns. */
export const evaluationUpdateColumns: Readonly<Record<string, string>> = {
  dataset: 'dataset',
  source: 'source',
  state: 'state',
  jobId: 'job_id',
  createdBy: 'created_by',
  finishedAt: 'finished_at',
  report: 'report',
  perQuery: 'per_query',
  error: 'error',
};

/** Columns of the INSERT, in the order of `evaluationInsertValues`. */
export const evaluationInsertColumns =
  'id, dataset, source, state, job_id, created_by, created_at, finished_at, report, per_query, error';

/** Columns of a list (per-query scores left out: they can be long, `get` has them). */
export const evaluationListColumns =
  'id, dataset, source, state, job_id, created_by, created_at, finished_at, report, NULL AS per_query, error';

export function evaluationInsertValues(record: EvaluationRecord): unknown[] {
  return [
    record.id,
    record.dataset,
    record.source,
    record.state,
    record.jobId ?? null,
    record.createdBy ?? null,
    record.createdAt,
    record.finishedAt ?? null,
    record.report ? JSON.stringify(record.report) : null,
    record.perQuery ? JSON.stringify(record.perQuery) : null,
    record.error ?? null,
  ];
}

export function toEvaluationRecord(row: EvaluationRow): EvaluationRecord {
  return {
    id: row.id,
    dataset: row.dataset,
    source: row.source === 'upload' ? 'upload' : 'folder',
    state: row.state as EvaluationRecord['state'],
    createdAt: instantText(row.created_at),
    ...(row.job_id ? { jobId: row.job_id } : {}),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    ...(row.finished_at ? { finishedAt: instantText(row.finished_at) } : {}),
    ...(row.report ? { report: jsonColumn(row.report) } : {}),
    ...(row.per_query ? { perQuery: jsonColumn(row.per_query) } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}
