import type { FeedbackRating, QuestionRecord } from '../core/conversation/conversation.records.js';

export interface QuestionQuery {
  /** ISO bounds on `at`. */
  from?: string;
  to?: string;
  userId?: string;
  limit?: number;
  offset?: number;
}

/** Every answered question, with latency, tokens, cost, citations and feedback. */
export interface AnalyticsStore {
  recordQuestion(record: QuestionRecord): Promise<void>;
  getQuestion(id: string): Promise<QuestionRecord | undefined>;
  setFeedback(id: string, rating: FeedbackRating, comment?: string): Promise<void>;
  /** Oldest first within the range. */
  listQuestions(query: QuestionQuery): Promise<QuestionRecord[]>;
}
