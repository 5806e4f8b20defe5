import type { Conversation, ConversationMessage } from '../core/conversation/conversation.records.js';

/** Chat threads and their messages. */
export interface ConversationStore {
  createConversation(conversation: Conversation): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation | undefined>;
  /** Newest first. */
  listConversations(userId: string | undefined, limit: number): Promise<Conversation[]>;
  renameConversation(id: string, title: string): Promise<void>;
  deleteConversation(id: string): Promise<void>;
  addMessage(message: ConversationMessage): Promise<void>;
  /** Oldest first. */
  listMessages(conversationId: string): Promise<ConversationMessage[]>;
}
