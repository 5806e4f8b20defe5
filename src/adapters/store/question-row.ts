import type { FeedbackRating, QuestionRecord } from '../../core/conversation/conversation.records.js';
import { type Instant, instantText, type JsonColumn, jsonColumn } from './row-values.js';

/** A `questions` row (id lists: PostgreSQL arrays or SQLite JSON text). */
export interface QuestionRow {
  id: string;
  at: Instant;
  user_id: string | null;
  conversation_id: string | null;
  question: string;
  collection_ids: JsonColumn<string[]>;
  mode: string;
  model: string | null;
  latency_ms: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  cited_document_ids: JsonColumn<string[]>;
  feedback: FeedbackRating | null;
  feedback_comment: string | null;
  channel: QuestionRecord['channel'];
}

export function toQuestionRecord(row: QuestionRow): QuestionRecord {
  return {
    id: row.id,
    at: instantText(row.at),
    ...(row.user_id ? { userId: row.user_id } : {}),
    ...(row.conversation_id ? { conversationId: row.conversation_id } : {}),
    question: row.question,
    collectionIds: jsonColumn(row.collection_ids),
    mode: row.mode,
    ...(row.model ? { model: row.model } : {}),
    latencyMs: row.latency_ms,
    ...(row.input_tokens === null ? {} : { inputTokens: row.input_tokens }),
    ...(row.output_tokens === null ? {} : { outputTokens: row.output_tokens }),
    ...(row.cost_usd === null ? {} : { costUsd: row.cost_usd }),
    citedDocumentIds: jsonColumn(row.cited_document_ids),
    ...(row.feedback ? { feedback: row.feedback } : {}),
    ...(row.feedback_comment ? { feedbackComment: row.feedback_comment } : {}),
    channel: row.channel,
  };
}
