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

describe('AnswerView of a table answer', () => {
  it('shows the computation, the sheet and the rows used', () => {
    const cited: Citation = {
      ...citation(1, 'rows 2–3'),
      fileName: 'orders.csv',
      sheet: 'orders.csv',
      table: {
        tableId: 't1',
        sheet: 'orders.csv',
        rowsLabel: 'rows 2–3',
        rowCount: 2,
        columns: ['Order', 'Region', 'Amount'],
        rows: [
          { n: 2, cells: ['A-1', 'West', '€120.00'] },
          { n: 3, cells: ['A-3', 'West', '€250.00'] },
        ],
      },
    };
    const turn: Turn = {
      key: 't',
      question: 'Total of column Amount for region West',
      answer: 'The total is 370.00 EUR [1].',
      citations: [cited],
      status: 'done',
      mode: 'computed',
      computation: {
        status: 'computed',
        statement: 'Sum of Amount over 2 rows where Region = West',
        planner: 'rules',
      },
    };
    render(<AnswerView turn={turn} onCite={() => undefined} />);
    expect(screen.getByTestId('answer-mode').textContent).toContain('Exact answer');
    expect(screen.queryByTestId('computation-planner')).toBeNull();
    expect(screen.getByText(/sheet orders\.csv · rows 2–3 \(2 rows used\)/)).toBeTruthy();
    expect(screen.getAllByRole('row')).toHaveLength(3);
    expect(screen.getByRole('cell', { name: '€250.00' })).toBeTruthy();
  });

  it('says when the model wrote the query', () => {
    const turn: Turn = {
      key: 't',
      question: 'Average amount per region',
      answer: 'West: 185.00 EUR …',
      citations: [],
      status: 'done',
      mode: 'computed',
      computation: { status: 'computed', planner: 'model' },
    };
    render(<AnswerView turn={turn} onCite={() => undefined} />);
    expect(screen.getByTestId('computation-planner').textContent).toContain('written by the model');
  });
});
