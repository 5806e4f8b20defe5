import { randomUUID } from 'node:crypto';
import type { AnalyticsStore } from '../../ports/analytics.port.js';
import type { ConversationStore } from '../../ports/conversation.port.js';
import type { ChatMessage } from '../../ports/language-model.port.js';
import type { AskEvent, AskService } from '../answer/ask.service.js';
import type { ModelPreference } from '../answer/model-routing.js';
import { LoreError } from '../errors.js';
import type { AccessService } from '../identity/access.service.js';
import type { Principal } from '../identity/identity.records.js';
import type { SearchFilter } from '../records.js';
import type { QueryTransform } from '../search/query-transform.js';
import { analyze } from '../text/analyzer.js';
import type { Conversation, QuestionRecord } from './conversation.records.js';

export interface ChatRequest {
  principal: Principal;
  question: string;
  /** Continue this conversation (must be the caller's); absent: a new one when `save` is set. */
  conversationId?: string;
  /** Store the exchange as a conversation (the REST API does; OpenAI-compatible calls carry their own history). */
  save?: boolean;
  /** History sent by the client (OpenAI-compatible API), used when no conversation is stored. */
  history?: ChatMessage[];
  /** Requested restrictions; always narrowed to what the caller may read. */
  filter?: SearchFilter;
  channel: QuestionRecord['channel'];
  /** Chat model size (`auto` lets the routing rule decide). */
  model?: ModelPreference;
  /** Multi-query or HyDE retrieval for this question. */
  queryTransform?: QueryTransform;
  signal?: AbortSignal;
}

/** `answer-end` with where the exchange was recorded. */
export type ChatEvent =
  | Exclude<AskEvent, { type: 'answer-end' }>
  | (Extract<AskEvent, { type: 'answer-end' }> & {
      questionId: string;
      conversationId?: string;
      latencyMs: number;
    });

export interface ChatDependencies {
  ask: AskService;
  access: AccessService;
  conversations: ConversationStore;
  analytics: AnalyticsStore;
  /** Called after each recorded question (metrics). */
  onAnswered?: (record: QuestionRecord) => void;
}

/** A follow-up this short is searched together with the previous question. */
const followUpTerms = 4;

/**
 * Questions with memory and records: checks access, keeps conversations, passes earlier turns to the
 * model, and stores every answered question for analytics. Used by the REST, OpenAI-compatible and
 * MCP surfaces alike, so all of them enforce the same access rules.
 */
export class ChatService {
  constructor(private readonly deps: ChatDependencies) {}

  async *chat(request: ChatRequest): AsyncGenerator<ChatEvent> {
    const started = performance.now();
    const { principal } = request;
    const conversation = await this.conversationFor(request);
    const earlier = conversation
      ? (await this.deps.conversations.listMessages(conversation.id)).map(
          (message): ChatMessage => ({ role: message.role, content: message.content }),
        )
      : (request.history ?? []);
    const requested =
      request.filter ??
      (conversation?.collectionIds.length ? { collectionIds: conversation.collectionIds } : {});
    const filter = await this.deps.access.readFilter(principal, requested);
    const previousQuestion = [...earlier].reverse().find((message) => message.role === 'user')?.content;
    const searchQuery =
      previousQuestion && analyze(request.question).length <= followUpTerms
        ? `${previousQuestion}\n${request.question}`
        : undefined;
    const questionId = randomUUID();
    if (conversation) {
      await this.deps.conversations.addMessage({
        id: randomUUID(),
        conversationId: conversation.id,
        role: 'user',
        content: request.question,
        citations: [],
        createdAt: new Date().toISOString(),
      });
    }
    for await (const event of this.deps.ask.ask({
      question: request.question,
      filter,
      history: earlier,
      ...(searchQuery ? { searchQuery } : {}),
      ...(request.model ? { model: request.model } : {}),
      ...(request.queryTransform ? { queryTransform: request.queryTransform } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    })) {
      if (event.type !== 'answer-end') {
        yield event;
        continue;
      }
      const latencyMs = performance.now() - started;
      const record: QuestionRecord = {
        id: questionId,
        at: new Date().toISOString(),
        ...(principal.userId ? { userId: principal.userId } : {}),
        ...(conversation ? { conversationId: conversation.id } : {}),
        question: request.question,
        collectionIds: [...(filter.collectionIds ?? [])],
        mode: event.mode,
        ...(event.model ? { model: event.model } : {}),
        latencyMs,
        ...(event.usage?.inputTokens === undefined ? {} : { inputTokens: event.usage.inputTokens }),
        ...(event.usage?.outputTokens === undefined ? {} : { outputTokens: event.usage.outputTokens }),
        ...costOf(event),
        citedDocumentIds: [...new Set(event.citations.map((citation) => citation.documentId))],
        channel: request.channel,
      };
      await this.deps.analytics.recordQuestion(record);
      if (conversation) {
        await this.deps.conversations.addMessage({
          id: randomUUID(),
          conversationId: conversation.id,
          role: 'assistant',
          content: event.answer,
          citations: event.citations,
          mode: event.mode,
          questionId,
          createdAt: new Date().toISOString(),
        });
      }
      this.deps.onAnswered?.(record);
      yield { ...event, questionId, ...(conversation ? { conversationId: conversation.id } : {}), latencyMs };
    }
  }

  /** The caller's conversation, checking ownership; a new one when asked to save. */
  async conversationFor(request: ChatRequest): Promise<Conversation | undefined> {
    if (request.conversationId) {
      const existing = await this.deps.conversations.getConversation(request.conversationId);
      if (!existing || !ownsConversation(request.principal, existing)) {
        throw new LoreError('not_found', `no conversation ${request.conversationId}`);
      }
      return existing;
    }
    if (!request.save) return undefined;
    const now = new Date().toISOString();
    return this.deps.conversations.createConversation({
      id: randomUUID(),
      ...(request.principal.userId ? { userId: request.principal.userId } : {}),
      title: titleOf(request.question),
      collectionIds: [...(request.filter?.collectionIds ?? [])],
      createdAt: now,
      updatedAt: now,
    });
  }
}

/** True when the conversation belongs to the principal (the local user owns user-less ones). */
export function ownsConversation(principal: Principal, conversation: Conversation): boolean {
  return principal.kind === 'local'
    ? conversation.userId === undefined
    : conversation.userId === principal.userId;
}

function titleOf(question: string): string {
  const line = question.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

function costOf(event: object): { costUsd?: number } {
  const cost = (event as { costUsd?: unknown }).costUsd;
  return typeof cost === 'number' ? { costUsd: cost } : {};
}
