import type { Conversation, ConversationMessage } from '../../../core/conversation/conversation.records.js';
import type { ConversationStore } from '../../../ports/conversation.port.js';
import { type ConversationRow, type MessageRow, toConversation, toMessage } from '../conversation-rows.js';
import type { SqliteDatabase } from './database.js';

/** Conversations and messages in the embedded database. */
export class SqliteConversationStore implements ConversationStore {
  constructor(private readonly db: SqliteDatabase) {}

  async createConversation(conversation: Conversation): Promise<Conversation> {
    this.db
      .prepare(
        'INSERT INTO conversations (id, user_id, title, collection_ids, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        conversation.id,
        conversation.userId ?? null,
        conversation.title,
        JSON.stringify(conversation.collectionIds),
        conversation.createdAt,
        conversation.updatedAt,
      );
    return conversation;
  }

  async getConversation(id: string): Promise<Conversation | undefined> {
    const row = this.db.prepare('SELECT * FROM conversations WHERE id = ?').get(id) as
      | ConversationRow
      | undefined;
    return row && toConversation(row);
  }

  async listConversations(userId: string | undefined, limit: number): Promise<Conversation[]> {
    const rows = this.db
      .prepare('SELECT * FROM conversations WHERE user_id IS ? ORDER BY updated_at DESC, id LIMIT ?')
      .all(userId ?? null, limit) as ConversationRow[];
    return rows.map(toConversation);
  }

  async renameConversation(id: string, title: string): Promise<void> {
    this.db.prepare('UPDATE conversations SET title = ? WHERE id = ?').run(title, id);
  }

  async deleteConversation(id: string): Promise<void> {
    this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id);
  }

  async addMessage(message: ConversationMessage): Promise<void> {
    this.db.transaction(() => {
      const seq = this.db
        .prepare('SELECT coalesce(max(seq), 0) + 1 AS seq FROM messages WHERE conversation_id = ?')
        .get(message.conversationId) as { seq: number };
      this.db
        .prepare(
          'INSERT INTO messages (id, conversation_id, seq, role, content, citations, mode, question_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          message.id,
          message.conversationId,
          seq.seq,
          message.role,
          message.content,
          JSON.stringify(message.citations),
          message.mode ?? null,
          message.questionId ?? null,
          message.createdAt,
        );
      this.db
        .prepare('UPDATE conversations SET updated_at = ? WHERE id = ?')
        .run(message.createdAt, message.conversationId);
    })();
  }

  async listMessages(conversationId: string): Promise<ConversationMessage[]> {
    const rows = this.db
      .prepare('SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq')
      .all(conversationId) as MessageRow[];
    return rows.map(toMessage);
  }
}
