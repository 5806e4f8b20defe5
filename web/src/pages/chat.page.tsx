import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { askStream } from '../../../src/client/lore-client.js';
import { AnswerView, type Turn } from '../chat/answer-view.js';
import { SourceViewer } from '../chat/source-viewer.js';
import type { TurnComputation } from '../chat/table-computation.js';
import { ErrorNote } from '../components/feedback.js';
import { Icon } from '../components/icons.js';
import { TryLoreDocs } from '../components/try-docs.js';
import {
  api,
  type Citation,
  type Collection,
  describeError,
  errorText,
  type Message,
  unwrap,
} from '../lib/api.js';
import { linkHandler, navigate } from '../lib/router.js';
import { useAsync } from '../lib/use-async.js';

/** Chat: conversations, streamed answers with citations, the cited source beside the answer. */
export function ChatPage({ conversationId }: { conversationId?: string | undefined }) {
  const conversations = useAsync(
    async () => unwrap(await api.GET('/api/v1/conversations')).conversations,
    [],
  );
  const collections = useAsync(async () => unwrap(await api.GET('/api/v1/collections')).collections, []);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [selected, setSelected] = useState<Citation>();
  const [collectionId, setCollectionId] = useState('');
  const [question, setQuestion] = useState('');
  const [loadError, setLoadError] = useState<string>();
  const abortRef = useRef<AbortController>(undefined);
  /** The conversation this page created while streaming (not to be reloaded from the server). */
  const ownConversation = useRef<string>(undefined);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (conversationId && conversationId === ownConversation.current) return;
    abortRef.current?.abort();
    setSelected(undefined);
    setLoadError(undefined);
    if (!conversationId) {
      setTurns([]);
      return;
    }
    let live = true;
    api
      .GET('/api/v1/conversations/{id}', { params: { path: { id: conversationId } } })
      .then(unwrap)
      .then(
        (conversation) => live && setTurns(turnsOf(conversation.messages)),
        (caught: unknown) => live && setLoadError(errorText(caught)),
      );
    return () => {
      live = false;
    };
  }, [conversationId]);

  const updateTurn = useCallback((key: string, change: (turn: Turn) => Turn) => {
    setTurns((current) => current.map((turn) => (turn.key === key ? change(turn) : turn)));
  }, []);

  const ask = useCallback(
    async (text: string, replaceKey?: string) => {
      abortRef.current?.abort();
      const controller = new AbortController();
      abortRef.current = controller;
      const key = replaceKey ?? crypto.randomUUID();
      const fresh: Turn = { key, question: text, answer: '', citations: [], status: 'streaming' };
      setTurns((current) =>
        replaceKey ? current.map((turn) => (turn.key === replaceKey ? fresh : turn)) : [...current, fresh],
      );
      try {
        const stream = askStream(
          api,
          {
            question: text,
            save: true,
            ...(conversationId ? { conversationId } : {}),
            ...(collectionId ? { filter: { collectionIds: [collectionId] } } : {}),
          },
          controller.signal,
        );
        for await (const event of stream) {
          if (event.type === 'sources-found') {
            const count = event.sources.length;
            updateTurn(key, (turn) => ({ ...turn, sourceCount: count }));
          } else if (event.type === 'table-computed') {
            const computation: TurnComputation = event.computation;
            updateTurn(key, (turn) => ({ ...turn, computation }));
          } else if (event.type === 'answer-delta') {
            updateTurn(key, (turn) => ({ ...turn, answer: turn.answer + event.text }));
          } else if (event.type === 'citation-added') {
            const citation = event.citation;
            updateTurn(key, (turn) => ({ ...turn, citations: [...turn.citations, citation] }));
          } else if (event.type === 'answer-end') {
            const end = event;
            updateTurn(key, (turn) => ({
              ...turn,
              status: 'done',
              answer: end.answer,
              citations: end.citations,
              mode: end.mode,
              questionId: end.questionId,
              ...(end.model ? { model: end.model } : {}),
            }));
            if (end.conversationId && end.conversationId !== conversationId) {
              ownConversation.current = end.conversationId;
              navigate(`/chat/${end.conversationId}`, { replace: !conversationId });
            }
            conversations.reload();
          } else if (event.type === 'answer-error') {
            updateTurn(key, (turn) => ({
              ...turn,
              status: 'error',
              error: `The answer failed: ${describeError(event.code, event.message)}`,
            }));
          }
        }
        updateTurn(key, (turn) => (turn.status === 'streaming' ? { ...turn, status: 'done' } : turn));
      } catch (caught) {
        const stopped = controller.signal.aborted;
        updateTurn(key, (turn) => ({
          ...turn,
          status: stopped ? 'stopped' : 'error',
          ...(stopped ? {} : { error: errorText(caught) }),
        }));
      }
    },
    [collectionId, conversationId, conversations, updateTurn],
  );

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const text = question.trim();
    if (!text) return;
    setQuestion('');
    void ask(text);
  }

  const streaming = turns.some((turn) => turn.status === 'streaming');
  const totalDocuments = collections.data?.reduce((sum, collection) => sum + collection.documentCount, 0);

  return (
    <div className={`chat-layout${selected ? ' with-source' : ''}`}>
      <aside className="conversations" aria-label="Conversations">
        <button
          type="button"
          className="button secondary wide"
          onClick={() => {
            ownConversation.current = undefined;
            navigate('/chat');
            setTurns([]);
            inputRef.current?.focus();
          }}
        >
          <Icon name="plus" /> New chat
        </button>
        <ConversationList
          items={conversations.data ?? []}
          current={conversationId}
          onDeleted={() => {
            conversations.reload();
          }}
        />
      </aside>
      <section className="thread" aria-label="Chat">
        <ErrorNote>{loadError}</ErrorNote>
        {turns.length === 0 && !loadError && (
          <div className="chat-empty">
            <h1>Ask your documents</h1>
            {totalDocuments === 0 ? (
              <TryLoreDocs onReady={collections.reload} />
            ) : (
              <p className="muted">
                Answers quote your documents; click a number to see the passage highlighted.
              </p>
            )}
          </div>
        )}
        <div className="turns" aria-live="polite">
          {turns.map((turn, index) => (
            <AnswerView
              key={turn.key}
              turn={turn}
              {...(selected ? { selected } : {})}
              onCite={setSelected}
              onStop={() => abortRef.current?.abort()}
              {...(index === turns.length - 1 ? { onRetry: () => void ask(turn.question, turn.key) } : {})}
            />
          ))}
        </div>
        <form className="ask-form" onSubmit={submit}>
          <CollectionPicker
            collections={collections.data ?? []}
            value={collectionId}
            onChange={setCollectionId}
          />
          <div className="ask-row">
            <label htmlFor="question" className="visually-hidden">
              Your question
            </label>
            <textarea
              id="question"
              ref={inputRef}
              rows={1}
              placeholder="Ask a question…"
              value={question}
              onChange={(event) => setQuestion(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) {
                  event.preventDefault();
                  submit();
                }
              }}
            />
            {streaming ? (
              <button type="button" className="button" onClick={() => abortRef.current?.abort()}>
                Stop
              </button>
            ) : (
              <button type="submit" className="button" disabled={question.trim() === ''}>
                Ask
              </button>
            )}
          </div>
        </form>
      </section>
      {selected && <SourceViewer citation={selected} onClose={() => setSelected(undefined)} />}
    </div>
  );
}

function CollectionPicker({
  collections,
  value,
  onChange,
}: {
  collections: Collection[];
  value: string;
  onChange(value: string): void;
}) {
  return (
    <label className="picker">
      <span>Search in</span>
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">All collections</option>
        {collections.map((collection) => (
          <option key={collection.id} value={collection.id}>
            {collection.name} ({collection.documentCount})
          </option>
        ))}
      </select>
    </label>
  );
}

function ConversationList({
  items,
  current,
  onDeleted,
}: {
  items: { id: string; title: string; updatedAt: string }[];
  current?: string | undefined;
  onDeleted(): void;
}) {
  if (items.length === 0) return <p className="muted small">Your conversations will appear here.</p>;
  return (
    <ul className="conversation-list">
      {items.map((item) => (
        <li key={item.id} className={item.id === current ? 'current' : undefined}>
          <a
            href={`/chat/${item.id}`}
            onClick={linkHandler(`/chat/${item.id}`)}
            aria-current={item.id === current ? 'page' : undefined}
          >
            {item.title}
          </a>
          <button
            type="button"
            className="icon-button small"
            aria-label={`Delete the conversation “${item.title}”`}
            onClick={async () => {
              if (!window.confirm(`Delete “${item.title}”?`)) return;
              await api.DELETE('/api/v1/conversations/{id}', { params: { path: { id: item.id } } });
              if (item.id === current) navigate('/chat');
              onDeleted();
            }}
          >
            <Icon name="trash" size={16} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Saved messages as turns (a user message followed by its answer). */
function turnsOf(messages: Message[]): Turn[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    if (message.role === 'user') {
      turns.push({ key: message.id, question: message.content, answer: '', citations: [], status: 'done' });
    } else {
      const last = turns.at(-1);
      if (!last) continue;
      last.answer = message.content;
      last.citations = message.citations;
      if (message.mode) last.mode = message.mode;
      if (message.questionId) last.questionId = message.questionId;
    }
  }
  return turns;
}
