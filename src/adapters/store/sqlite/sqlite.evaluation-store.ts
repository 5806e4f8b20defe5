import type { Database } from 'better-sqlite3';
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

/** Evaluation runs in the `evaluations` table (migration 4; rows mapped as in PostgreSQL). */
export class SqliteEvaluationStore implements EvaluationStore {
  constructor(private readonly db: Database) {}

  async create(record: EvaluationRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO evaluations (${evaluationInsertColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...evaluationInsertValues(record));
  }

  async update(id: string, change: Partial<Omit<EvaluationRecord, 'id' | 'createdAt'>>): Promise<void> {
    const { sets, values } = updateAssignments(change, evaluationUpdateColumns, () => '?');
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE evaluations SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  async get(id: string): Promise<EvaluationRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM evaluations WHERE id = ?').get(id) as
      | EvaluationRow
      | undefined;
    return row ? toEvaluationRecord(row) : undefined;
  }

  async list(limit: number): Promise<EvaluationRecord[]> {
    const rows = this.db
      .prepare(`SELECT ${evaluationListColumns} FROM evaluations ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(limit) as EvaluationRow[];
    return rows.map(toEvaluationRecord);
  }
}
