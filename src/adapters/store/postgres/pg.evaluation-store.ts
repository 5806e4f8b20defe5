import type { EvaluationRecord, EvaluationStore } from '../../../ports/evaluation.port.js';
import type { Queryable } from './database.js';
import { iso } from './rows.js';

interface Row {
  id: string;
  dataset: string;
  source: string;
  state: string;
  job_id: string | null;
  created_by: string | null;
  created_at: Date;
  finished_at: Date | null;
  report: EvaluationRecord['report'] | null;
  per_query: EvaluationRecord['perQuery'] | null;
  error: string | null;
}

/** Updatable fields and their columns. */
const columns: Record<string, string> = {
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

const listColumns = 'id, dataset, source, state, job_id, created_by, created_at, finished_at, report, error';

/** Evaluation runs in the `evaluations` table (migration 3; mirrors SqliteEvaluationStore). */
export class PgEvaluationStore implements EvaluationStore {
  constructor(private readonly db: Queryable) {}

  async create(record: EvaluationRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO evaluations (id, dataset, source, state, job_id, created_by, created_at, finished_at, report, per_query, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
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
      ],
    );
  }

  async update(id: string, change: Partial<Omit<EvaluationRecord, 'id' | 'createdAt'>>): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(change)) {
      const column = columns[key];
      if (!column) continue;
      values.push(value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : value);
      sets.push(`${column} = $${values.length}`);
    }
    if (sets.length === 0) return;
    values.push(id);
    await this.db.query(`UPDATE evaluations SET ${sets.join(', ')} WHERE id = $${values.length}`, values);
  }

  async get(id: string): Promise<EvaluationRecord | undefined> {
    const result = await this.db.query<Row>('SELECT * FROM evaluations WHERE id = $1', [id]);
    const row = result.rows[0];
    return row ? toRecord(row) : undefined;
  }

  async list(limit: number): Promise<EvaluationRecord[]> {
    // The list omits per-query scores (they can be long); `get` has them.
    const result = await this.db.query<Row>(
      `SELECT ${listColumns}, NULL AS per_query FROM evaluations ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit],
    );
    return result.rows.map(toRecord);
  }
}

function toRecord(row: Row): EvaluationRecord {
  return {
    id: row.id,
    dataset: row.dataset,
    source: row.source === 'upload' ? 'upload' : 'folder',
    state: row.state as EvaluationRecord['state'],
    createdAt: iso(row.created_at),
    ...(row.job_id ? { jobId: row.job_id } : {}),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    ...(row.finished_at ? { finishedAt: iso(row.finished_at) } : {}),
    ...(row.report ? { report: row.report } : {}),
    ...(row.per_query ? { perQuery: row.per_query } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}
