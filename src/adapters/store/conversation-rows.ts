import type { Citation } from '../../core/answer/citation.js';
import type { Conversation, ConversationMessage } from '../../core/conversation/conversation.records.js';
import { type Instant, instantText, type JsonColumn, jsonColumn } from './row-values.js';

/** A `conversations` row (collection ids: a PostgreSQL array or SQLite JSON text). */
export interface ConversationRow {
  id: string;
  user_id: string | null;
  title: string;
  collection_ids: JsonColumn<string[]>;
  created_at: Instant;
  updated_at: Instant;
}

/** A `messages` row (citations: jsonb or JSON text). */
export interface MessageRow {
  id: string;
  conversation_id: string;
  role: 'user' | 'assistant';
  content: string;
  citations: JsonColumn<Citation[]>;
  mode: string | null;
  question_id: string | null;
  created_at: Instant;
}

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    ...(row.user_id ? { userId: row.user_id } : {}),
    title: row.title,
    collectionIds: jsonColumn(row.collection_ids),
    createdAt: instantText(row.created_at),
    updatedAt: instantText(row.updated_at),
  };
}

export function toMessage(row: MessageRow): ConversationMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    role: row.role,
    content: row.content,
    citations: jsonColumn(row.citations),
    ...(row.mode ? { mode: row.mode } : {}),
    ...(row.question_id ? { questionId: row.question_id } : {}),
    createdAt: instantText(row.created_at),
  };
}
