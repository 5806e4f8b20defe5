import type { Citation } from '../answer/citation.js';

/** A chat thread of one user, optionally restricted to some collections. */
export interface Conversation {
  id: string;
  userId?: string;
  title: string;
  collectionIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface ConversationMessage {
  id: string;
  conversationId: string;
  role: 'user' | 'assistant';
  content: string;
  citations: Citation[];
  /** Set on assistant messages: generated, extractive or abstained. */
  mode?: string;
  /** The analytics record of the question this message answers. */
  questionId?: string;
  createdAt: string;
}

export type FeedbackRating = 'up' | 'down';

/** One recorded question with how it was answered (analytics). */
export interface QuestionRecord {
  id: string;
  at: string;
  userId?: string;
  conversationId?: string;
  question: string;
  collectionIds: string[];
  mode: string;
  model?: string;
  latencyMs: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  citedDocumentIds: string[];
  feedback?: FeedbackRating;
  feedbackComment?: string;
  /** Channel: the REST API, the OpenAI-compatible API or MCP. */
  channel: 'api' | 'openai' | 'mcp';
}
