import { describe, expect, it } from 'vitest';
import type { Citation } from './citation.js';
import { sourcesFootnote, stripSourcesFootnote } from './sources-footnote.js';

const citation = (n: number, extra: Partial<Citation> = {}): Citation => ({
  n,
  documentId: `d${n}`,
  title: `Doc ${n}`,
  fileName: `doc-${n}.pdf`,
  chunkId: n,
  start: 0,
  end: 10,
  text: 'text',
  quote: 'text',
  ...extra,
});

describe('sourcesFootnote', () => {
  it('lists each cited source once, by number, with its location', () => {
    const footnote = sourcesFootnote([
      citation(2, { slide: 4 }),
      citation(1, { page: 3 }),
      citation(2, { slide: 4 }),
      citation(3, { title: 'notes.txt', fileName: 'notes.txt' }),
    ]);
    expect(footnote).toBe(
      '\n\nSources:\n[1] Doc 1 (doc-1.pdf), page 3\n[2] Doc 2 (doc-2.pdf), slide 4\n[3] notes.txt',
    );
  });

  it('is empty without citations, and strips back off an answer', () => {
    expect(sourcesFootnote([])).toBe('');
    const answer = 'Yes [1].';
    expect(stripSourcesFootnote(answer + sourcesFootnote([citation(1)]))).toBe(answer);
    expect(stripSourcesFootnote('No footnote here.')).toBe('No footnote here.');
  });
});
