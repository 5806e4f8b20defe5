import { type ReactNode, useState } from 'react';
import { Icon } from '../components/icons.js';
import { api, type Citation, errorText, unwrap } from '../lib/api.js';
import { type AnswerSegment, locationOf, segmentAnswer } from './answer-text.js';
import { TableComputationView, type TurnComputation } from './table-computation.js';

export interface Turn {
  key: string;
  question: string;
  answer: string;
  citations: Citation[];
  status: 'streaming' | 'done' | 'error' | 'stopped';
  mode?: string;
  model?: string;
  questionId?: string;
  error?: string;
  /** Sources found before the answer started (shown as "searching" context). */
  sourceCount?: number;
  /** Set when the question was routed to a table (from the `table-computed` event). */
  computation?: TurnComputation;
}

interface AnswerProps {
  turn: Turn;
  selected?: Citation;
  onCite(citation: Citation): void;
  onRetry?(): void;
  onStop?(): void;
}

/** One question and its (streaming) answer with inline citation markers, sources and actions. */
export function AnswerView({ turn, selected, onCite, onRetry, onStop }: AnswerProps) {
  const segments = segmentAnswer(turn.answer);
  const markerCitations = assignCitations(segments, turn.citations);
  const sources = uniqueSources(turn.citations);
  let markerIndex = 0;
  const streaming = turn.status === 'streaming';

  return (
    <article className="turn" aria-busy={streaming}>
      <p className="question">
        <span className="visually-hidden">You asked: </span>
        {turn.question}
      </p>
      <div className="answer-card">
        <ModeNote turn={turn} />
        <div className="answer-text" data-testid="answer-text">
          {turn.answer === '' && streaming ? (
            <span className="muted">
              {turn.sourceCount === undefined ? 'Searching…' : 'Writing the answer…'}
            </span>
          ) : (
            segments.map((segment, index) =>
              segment.kind === 'text' ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional and never reorder.
                <span key={index}>{segment.text}</span>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional and never reorder.
                <span key={index} className="markers">
                  {segment.numbers.map((n) => {
                    const citation = markerCitations[markerIndex++];
                    return citation ? (
                      <button
                        key={n}
                        type="button"
                        className="marker"
                        aria-pressed={selected === citation}
                        aria-label={`Source ${n}: ${citation.title}, ${locationOf(citation)}`}
                        title={citation.quote}
                        onClick={() => onCite(citation)}
                      >
                        {n}
                      </button>
                    ) : (
                      <sup key={n} className="marker pending">
                        {n}
                      </sup>
                    );
                  })}
                </span>
              ),
            )
          )}
          {streaming && turn.answer !== '' && <span className="caret" aria-hidden="true" />}
        </div>
        <TableComputationView computation={turn.computation} citations={turn.citations} />
        {turn.error && (
          <p className="error-note" role="alert">
            {turn.error}
          </p>
        )}
        {sources.length > 0 && (
          <ol className="source-list" aria-label="Sources">
            {sources.map((citation) => (
              <li key={citation.n}>
                <button
                  type="button"
                  className="source-link"
                  aria-pressed={selected?.n === citation.n && selected.documentId === citation.documentId}
                  onClick={() => onCite(citation)}
                >
                  <span className="source-n">{citation.n}</span>
                  <span className="source-name">{citation.title}</span>
                  <span className="muted small">{locationOf(citation)}</span>
                </button>
              </li>
            ))}
          </ol>
        )}
        <div className="answer-actions">
          {streaming ? (
            <button type="button" className="button ghost small" onClick={onStop}>
              <Icon name="stop" /> Stop
            </button>
          ) : (
            <>
              <CopyButton text={turn.answer} />
              {onRetry && (
                <button type="button" className="button ghost small" onClick={onRetry}>
                  <Icon name="retry" /> Retry
                </button>
              )}
              {turn.questionId && <FeedbackButtons questionId={turn.questionId} />}
            </>
          )}
        </div>
      </div>
    </article>
  );
}

function ModeNote({ turn }: { turn: Turn }) {
  let note: ReactNode;
  if (turn.mode === 'extractive')
    note = (
      <>
        <strong>Extractive answer</strong> · quoted from your documents; no language model is configured
      </>
    );
  else if (turn.mode === 'abstained')
    note = (
      <>
        <strong>No answer</strong> · the documents do not say
      </>
    );
  else if (turn.mode === 'computed')
    note = (
      <>
        <strong>Exact answer</strong> · computed over the table's rows, not estimated by a model
      </>
    );
  else if (turn.mode === 'generated' && turn.model) note = <>Answered by {turn.model}</>;
  else if (turn.status === 'stopped') note = <>Stopped.</>;
  if (!note) return null;
  return (
    <p className={`mode-note mode-${turn.mode ?? turn.status}`} data-testid="answer-mode">
      {note}
    </p>
  );
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="button ghost small"
      onClick={() =>
        navigator.clipboard?.writeText(text).then(
          () => {
            setCopied(true);
            window.setTimeout(() => setCopied(false), 1500);
          },
          () => undefined,
        )
      }
    >
      <Icon name={copied ? 'check' : 'copy'} /> {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

function FeedbackButtons({ questionId }: { questionId: string }) {
  const [rating, setRating] = useState<'up' | 'down'>();
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'idle' | 'commenting' | 'sent'>('idle');
  const [error, setError] = useState<string>();

  async function send(value: 'up' | 'down', text?: string) {
    setError(undefined);
    try {
      unwrap(
        await api.POST('/api/v1/feedback', {
          body: { questionId, rating: value, ...(text ? { comment: text } : {}) },
        }),
      );
      setRating(value);
      setState(text === undefined ? 'commenting' : 'sent');
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <div className="feedback">
      <fieldset className="thumbs">
        <legend className="visually-hidden">Was this answer helpful?</legend>
        <button
          type="button"
          className="icon-button"
          aria-pressed={rating === 'up'}
          aria-label="Helpful"
          onClick={() => send('up')}
        >
          <Icon name="up" />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-pressed={rating === 'down'}
          aria-label="Not helpful"
          onClick={() => send('down')}
        >
          <Icon name="down" />
        </button>
      </fieldset>
      {state === 'commenting' && rating && (
        <form
          className="feedback-comment"
          onSubmit={(event) => {
            event.preventDefault();
            void send(rating, comment.trim());
          }}
        >
          <label className="visually-hidden" htmlFor={`comment-${questionId}`}>
            Comment (optional)
          </label>
          <input
            id={`comment-${questionId}`}
            placeholder="What was good or missing? (optional)"
            value={comment}
            maxLength={2000}
            onChange={(event) => setComment(event.target.value)}
          />
          <button type="submit" className="button small" disabled={comment.trim() === ''}>
            Send
          </button>
        </form>
      )}
      {state === 'sent' && (
        <span className="muted small" role="status">
          Thanks for the feedback.
        </span>
      )}
      {error && (
        <span className="error-note small" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * The citation behind each marker, in text order: the k-th marker naming source n gets the k-th
 * citation of n (extractive answers cite several sentences of one source), else n's last one.
 */
export function assignCitations(segments: AnswerSegment[], citations: Citation[]): (Citation | undefined)[] {
  const used = new Map<number, number>();
  const result: (Citation | undefined)[] = [];
  for (const segment of segments) {
    if (segment.kind !== 'cite') continue;
    for (const n of segment.numbers) {
      const ofN = citations.filter((citation) => citation.n === n);
      const index = used.get(n) ?? 0;
      used.set(n, index + 1);
      result.push(ofN[Math.min(index, ofN.length - 1)]);
    }
  }
  return result;
}

/** One entry per source number (the first citation of each). */
function uniqueSources(citations: Citation[]): Citation[] {
  const seen = new Set<number>();
  return citations.filter((citation) => !seen.has(citation.n) && seen.add(citation.n));
}
