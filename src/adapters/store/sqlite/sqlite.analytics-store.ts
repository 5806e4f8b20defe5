import type { FeedbackRating, QuestionRecord } from '../../../core/conversation/conversation.records.js';
import type { AnalyticsStore, QuestionQuery } from '../../../ports/analytics.port.js';
import type { SqliteDatabase } from './database.js';

interface QuestionRow {
  id: string;
  at: string;
  user_id: string | null;
  conversation_id: string | null;
  question: string;
  collection_ids: string;
  mode: string;
  model: string | null;
  latency_ms: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  cited_document_ids: string;
  feedback: FeedbackRating | null;
  feedback_comment: string | null;
  channel: QuestionRecord['channel'];
}

function toRecord(row: QuestionRow): QuestionRecord {
  return {
    id: row.id,
    at: row.at,
    ...(row.user_id ? { userId: row.user_id } : {}),
    ...(row.conversation_id ? { conversationId: row.conversation_id } : {}),
    question: row.question,
    collectionIds: JSON.parse(row.collection_ids) as string[],
    mode: row.mode,
    ...(row.model ? { model: row.model } : {}),
    latencyMs: row.latency_ms,
    ...(row.input_tokens === null ? {} : { inputTokens: row.input_tokens }),
    ...(row.output_tokens === null ? {} : { outputTokens: row.output_tokens }),
    ...(row.cost_usd === null ? {} : { costUsd: row.cost_usd }),
    citedDocumentIds: JSON.parse(row.cited_document_ids) as string[],
    ...(row.feedback ? { feedback: row.feedback } : {}),
    ...(row.feedback_comment ? { feedbackComment: row.feedback_comment } : {}),
    channel: row.channel,
  };
}

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
    return row && toRecord(row);
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
    return rows.map(toRecord);
  }
}
