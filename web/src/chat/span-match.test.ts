import { describe, expect, it } from 'vitest';
import { foldForComparison, matchQuote } from './span-match.js';

describe('matchQuote', () => {
  it('finds a quote across text-layer pieces despite spacing and hyphenation', () => {
    const pieces = [
      'We propose a tech-',
      'nique called Unrestricted  Relation',
      ' Discovery that finds relations.',
    ];
    const ranges = matchQuote(pieces, 'We propose a technique called Unrestricted Relation Discovery');
    const marked = ranges.map((range) => pieces[range.piece]!.slice(range.start, range.end)).join('');
    expect(foldForComparison(marked)).toBe(
      foldForComparison('We propose a technique called Unrestricted Relation Discovery'),
    );
    expect(ranges.map((range) => range.piece)).toEqual([0, 1, 2]);
    expect(ranges[2]).toEqual({ piece: 2, start: 1, end: 10 });
  });

  it('folds ligatures and case', () => {
    const ranges = matchQuote(['The ﬁrst OFFICE'], 'the first office');
    expect(ranges).toEqual([{ piece: 0, start: 0, end: 15 }]);
  });

  it('returns nothing when the quote is not on the page', () => {
    expect(matchQuote(['Nothing to see here.'], 'vacation days')).toEqual([]);
    expect(matchQuote(['text'], '  ')).toEqual([]);
  });

  it('bounds a near match by its first and last letters', () => {
    const head = 'Unrestricted Relation Discovery finds relations';
    const tail = 'and presents them as tables without any human help';
    const pieces = ['Intro. ', `${head} [x7] ${tail}`, ' Next.'];
    const ranges = matchQuote(pieces, `${head} ${tail}`);
    expect(ranges).toEqual([{ piece: 1, start: 0, end: pieces[1]!.length }]);
  });
});
