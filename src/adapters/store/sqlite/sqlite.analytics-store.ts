import type { FeedbackRating, QuestionRecord } from '../../../core/conversation/conversation.records.js';
import type { AnalyticsStore, QuestionQuery } from '../../../ports/analytics.port.js';
import { type QuestionRow, toQuestionRecord } from '../question-row.js';
import type { SqliteDatabase } from './database.js';

/** Question analytics in the embedded database. */
export class SqliteAnalyticsStore implements AnalyticsStore {
  constructor(private readonly db: SqliteDatabase) {}

  async recordQuestion(record: QuestionRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO questions (id, at, user_id, conversation_id, question, collection_ids, mode, model, latency_ms,
           input_tokens, output_tokens, cost_usd, cited_document_ids, feedback, feedback_comment, channel)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.at,
        record.userId ?? null,
        record.conversationId ?? null,
        record.question,
        JSON.stringify(record.collectionIds),
        record.mode,
        record.model ?? null,
        record.latencyMs,
        record.inputTokens ?? null,
        record.outputTokens ?? null,
        record.costUsd ?? null,
        JSON.stringify(record.citedDocumentIds),
        record.feedback ?? null,
        record.feedbackComment ?? null,
        record.channel,
      );
  }

  async getQuestion(id: string): Promise<QuestionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM questions WHERE id = ?').get(id) as QuestionRow | undefined;
    return row && toQuestionRecord(row);
  }

  async setFeedback(id: string, rating: FeedbackRating, comment?: string): Promise<void> {
    this.db
      .prepare('UPDATE questions SET feedback = ?, feedback_comment = ? WHERE id = ?')
      .run(rating, comment ?? null, id);
  }

  async listQuestions(query: QuestionQuery): Promise<QuestionRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM questions
          WHERE (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
            AND (@userId IS NULL OR user_id = @userId)
          ORDER BY at, id LIMIT @limit OFFSET @offset`,
      )
      .all({
        from: query.from ?? null,
        to: query.to ?? null,
        userId: query.userId ?? null,
        limit: query.limit ?? -1,
        offset: query.offset ?? 0,
      }) as QuestionRow[];
    return rows.map(toQuestionRecord);
  }
}
