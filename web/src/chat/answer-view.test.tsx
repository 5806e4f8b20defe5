import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Citation } from '../lib/api.js';
import { segmentAnswer } from './answer-text.js';
import { AnswerView, assignCitations, type Turn } from './answer-view.js';

const citation = (n: number, quote: string): Citation => ({
  n,
  documentId: `doc-${n}`,
  title: `Document ${n}`,
  fileName: `doc-${n}.pdf`,
  chunkId: n,
  page: 2,
  start: 0,
  end: quote.length,
  text: quote,
  quote,
});

afterEach(cleanup);

describe('AnswerView', () => {
  it('renders markers as buttons that open the cited source', () => {
    const first = citation(1, 'New hires get 25 days.');
    const turn: Turn = {
      key: 't',
      question: 'How many days?',
      answer: 'Twenty-five [1].',
      citations: [first],
      status: 'done',
      mode: 'extractive',
      questionId: 'q1',
    };
    const onCite = vi.fn();
    render(<AnswerView turn={turn} onCite={onCite} onRetry={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Source 1: Document 1, doc-1.pdf, page 2' }));
    expect(onCite).toHaveBeenCalledWith(first);
    expect(screen.getByTestId('answer-mode').textContent).toContain('Extractive answer');
    expect(screen.getByRole('button', { name: 'Helpful' })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Retry/ })).toBeTruthy();
  });

  it('offers Stop while streaming and says it is searching before text arrives', () => {
    const onStop = vi.fn();
    render(
      <AnswerView
        turn={{ key: 't', question: 'Q', answer: '', citations: [], status: 'streaming' }}
        onCite={() => undefined}
        onStop={onStop}
      />,
    );
    expect(screen.getByText('Searching…')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Stop/ }));
    expect(onStop).toHaveBeenCalled();
  });

  it('shows an abstention', () => {
    render(
      <AnswerView
        turn={{
          key: 't',
          question: 'Q',
          answer: 'The documents do not say.',
          citations: [],
          status: 'done',
          mode: 'abstained',
        }}
        onCite={() => undefined}
      />,
    );
    expect(screen.getByTestId('answer-mode').textContent).toContain('No answer');
  });
});

describe('assignCitations', () => {
  it('gives the k-th marker of a source its k-th citation', () => {
    const a = citation(3, 'first sentence');
    const b = citation(3, 'second sentence');
    const segments = segmentAnswer('One [3]. Two [3]. Three [3].');
    expect(assignCitations(segments, [a, b])).toEqual([a, b, b]);
  });
});
