import type { Database } from 'better-sqlite3';
import type { EvaluationRecord, EvaluationStore } from '../../../ports/evaluation.port.js';

interface Row {
  id: string;
  dataset: string;
  source: string;
  state: string;
  job_id: string | null;
  created_by: string | null;
  created_at: string;
  finished_at: string | null;
  report: string | null;
  per_query: string | null;
  error: string | null;
}

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

/** Evaluation runs in the `evaluations` table (migration 4). */
export class SqliteEvaluationStore implements EvaluationStore {
  constructor(private readonly db: Database) {}

  async create(record: EvaluationRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO evaluations (id, dataset, source, state, job_id, created_by, created_at, finished_at, report, per_query, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
      );
  }

  async update(id: string, change: Partial<Omit<EvaluationRecord, 'id' | 'createdAt'>>): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(change)) {
      const column = columns[key];
      if (!column) continue;
      sets.push(`${column} = ?`);
      values.push(value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : value);
    }
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE evaluations SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  async get(id: string): Promise<EvaluationRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM evaluations WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  async list(limit: number): Promise<EvaluationRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM evaluations ORDER BY created_at DESC, id DESC LIMIT ?')
      .all(limit) as Row[];
    // The list omits per-query scores (they can be long); `get` has them.
    return rows.map((row) => toRecord({ ...row, per_query: null }));
  }
}

function toRecord(row: Row): EvaluationRecord {
  return {
    id: row.id,
    dataset: row.dataset,
    source: row.source === 'upload' ? 'upload' : 'folder',
    state: row.state as EvaluationRecord['state'],
    createdAt: row.created_at,
    ...(row.job_id ? { jobId: row.job_id } : {}),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    ...(row.report ? { report: JSON.parse(row.report) } : {}),
    ...(row.per_query ? { perQuery: JSON.parse(row.per_query) } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}
