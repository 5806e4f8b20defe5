import type { EvaluationRecord, EvaluationStore } from '../../../ports/evaluation.port.js';
import {
  type EvaluationRow,
  evaluationInsertColumns,
  evaluationInsertValues,
  evaluationListColumns,
  evaluationUpdateColumns,
  toEvaluationRecord,
} from '../evaluation-row.js';
import { updateAssignments } from '../row-values.js';
import type { Queryable } from './database.js';

/** Evaluation runs in the `evaluations` table (migration 3; rows mapped as in SQLite). */
export class PgEvaluationStore implements EvaluationStore {
  constructor(private readonly db: Queryable) {}

  async create(record: EvaluationRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO evaluations (${evaluationInsertColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      evaluationInsertValues(record),
    );
  }

  async update(id: string, change: Partial<Omit<EvaluationRecord, 'id' | 'createdAt'>>): Promise<void> {
    const { sets, values } = updateAssignments(change, evaluationUpdateColumns, (n) => `$${n}`);
    if (sets.length === 0) return;
    values.push(id);
    await this.db.query(`UPDATE evaluations SET ${sets.join(', ')} WHERE id = $${values.length}`, values);
  }

  async get(id: string): Promise<EvaluationRecord | undefined> {
    const result = await this.db.query<EvaluationRow>('SELECT * FROM evaluations WHERE id = $1', [id]);
    const row = result.rows[0];
    return row ? toEvaluationRecord(row) : undefined;
  }

  async list(limit: number): Promise<EvaluationRecord[]> {
    const result = await this.db.query<EvaluationRow>(
      `SELECT ${evaluationListColumns} FROM evaluations ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit],
    );
    return result.rows.map(toEvaluationRecord);
  }
}
