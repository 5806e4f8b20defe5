import type { FeedbackRating, QuestionRecord } from '../../../core/conversation/conversation.records.js';
import type { AnalyticsStore, QuestionQuery } from '../../../ports/analytics.port.js';
import { type QuestionRow, toQuestionRecord } from '../question-row.js';
import type { Queryable } from './database.js';

/** Question analytics on PostgreSQL (mirrors SqliteAnalyticsStore). */
export class PgAnalyticsStore implements AnalyticsStore {
  constructor(private readonly db: Queryable) {}

  async recordQuestion(record: QuestionRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO questions (id, at, user_id, conversation_id, question, collection_ids, mode, model, latency_ms,
         input_tokens, output_tokens, cost_usd, cited_document_ids, feedback, feedback_comment, channel)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        record.id,
        record.at,
        record.userId ?? null,
        record.conversationId ?? null,
        record.question,
        record.collectionIds,
        record.mode,
        record.model ?? null,
        record.latencyMs,
        record.inputTokens ?? null,
        record.outputTokens ?? null,
        record.costUsd ?? null,
        record.citedDocumentIds,
        record.feedback ?? null,
        record.feedbackComment ?? null,
        record.channel,
      ],
    );
  }

  async getQuestion(id: string): Promise<QuestionRecord | undefined> {
    const result = await this.db.query<QuestionRow>('SELECT * FROM questions WHERE id = $1', [id]);
    return result.rows[0] && toQuestionRecord(result.rows[0]);
  }

  async setFeedback(id: string, rating: FeedbackRating, comment?: string): Promise<void> {
    await this.db.query('UPDATE questions SET feedback = $1, feedback_comment = $2 WHERE id = $3', [
      rating,
      comment ?? null,
      id,
    ]);
  }

  async listQuestions(query: QuestionQuery): Promise<QuestionRecord[]> {
    const result = await this.db.query<QuestionRow>(
      `SELECT * FROM questions
       WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
         AND ($3::text IS NULL OR user_id = $3)
       ORDER BY at, id COLLATE "C" LIMIT $4 OFFSET $5`,
      [query.from ?? null, query.to ?? null, query.userId ?? null, query.limit ?? null, query.offset ?? 0],
    );
    return result.rows.map(toQuestionRecord);
  }
}
