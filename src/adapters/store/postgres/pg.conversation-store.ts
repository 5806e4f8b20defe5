import type { Conversation, ConversationMessage } from '../../../core/conversation/conversation.records.js';
import type { ConversationStore } from '../../../ports/conversation.port.js';
import { type ConversationRow, type MessageRow, toConversation, toMessage } from '../conversation-rows.js';
import { inTransaction, type PgPool } from './database.js';

/** Conversations and messages on PostgreSQL (mirrors SqliteConversationStore). */
export class PgConversationStore implements ConversationStore {
  constructor(private readonly pool: PgPool) {}

  async createConversation(conversation: Conversation): Promise<Conversation> {
    await this.pool.query(
      `INSERT INTO conversations (id, user_id, title, collection_ids, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        conversation.id,
        conversation.userId ?? null,
        conversation.title,
        conversation.collectionIds,
        conversation.createdAt,
        conversation.updatedAt,
      ],
    );
    return conversation;
  }

  async getConversation(id: string): Promise<Conversation | undefined> {
    const result = await this.pool.query<ConversationRow>('SELECT * FROM conversations WHERE id = $1', [id]);
    return result.rows[0] && toConversation(result.rows[0]);
  }

  async listConversations(userId: string | undefined, limit: number): Promise<Conversation[]> {
    const result = await this.pool.query<ConversationRow>(
      `SELECT * FROM conversations WHERE user_id IS NOT DISTINCT FROM $1
       ORDER BY updated_at DESC, id COLLATE "C" LIMIT $2`,
      [userId ?? null, limit],
    );
    return result.rows.map(toConversation);
  }

  async renameConversation(id: string, title: string): Promise<void> {
    await this.pool.query('UPDATE conversations SET title = $1 WHERE id = $2', [title, id]);
  }

  async deleteConversation(id: string): Promise<void> {
    await this.pool.query('DELETE FROM conversations WHERE id = $1', [id]);
  }

  async addMessage(message: ConversationMessage): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // Locks the conversation row: concurrent messages get consecutive sequence numbers.
      await client.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [message.conversationId]);
      await client.query(
        `INSERT INTO messages (id, conversation_id, seq, role, content, citations, mode, question_id, created_at)
         VALUES ($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE conversation_id = $2),
           $3, $4, $5, $6, $7, $8)`,
        [
          message.id,
          message.conversationId,
          message.role,
          message.content,
          JSON.stringify(message.citations),
          message.mode ?? null,
          message.questionId ?? null,
          message.createdAt,
        ],
      );
      await client.query('UPDATE conversations SET updated_at = $1 WHERE id = $2', [
        message.createdAt,
        message.conversationId,
      ]);
    });
  }

  async listMessages(conversationId: string): Promise<ConversationMessage[]> {
    const result = await this.pool.query<MessageRow>(
      'SELECT * FROM messages WHERE conversation_id = $1 ORDER BY seq',
      [conversationId],
    );
    return result.rows.map(toMessage);
  }
}
