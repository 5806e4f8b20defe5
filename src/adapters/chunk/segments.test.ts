import { describe, expect, it } from 'vitest';
import type { TextBlock } from '../../core/document.js';
import { segmentBlock } from './segments.js';
import { countTokens, tokenCounterStats } from './token-counter.js';

/** One paragraph block over the whole text. */
const blockOf = (text: string): TextBlock => ({ kind: 'paragraph', start: 0, end: text.length });

/** Characters given to the BPE counter while segmenting `text` (work, not time). */
function countedChars(text: string, maxTokens: number): { chars: number; segments: number } {
  const before = tokenCounterStats().chars;
  const segments = segmentBlock(text, blockOf(text), maxTokens);
  return { chars: tokenCounterStats().chars - before, segments: segments.length };
}

describe('segmentBlock on one huge line', () => {
  it('gives the token counter less than the text once, and the work grows linearly', () => {
    // Distinct words (no cache help) with no sentence end: the 50 MB-line shape, scaled down.
    const line = (words: number) => Array.from({ length: words }, (_, i) => `w${i.toString(36)}`).join(' ');
    const small = line(40_000);
    const large = line(80_000);
    const a = countedChars(small, 256);
    const b = countedChars(large, 256);
    // Before the fix the whole block, the whole sentence and every word were counted (3× the text).
    expect(a.chars).toBeLessThanOrEqual(small.length);
    expect(b.chars).toBeLessThanOrEqual(large.length);
    expect(b.chars / a.chars).toBeLessThan(2.3);
    expect(b.segments / a.segments).toBeGreaterThan(1.8);
  });

  it('keeps every segment within the budget and covers the text in order', () => {
    const text = 'wordy '.repeat(20_000);
    const segments = segmentBlock(text, blockOf(text), 128);
    const wrong: string[] = [];
    let previousEnd = 0;
    for (const segment of segments) {
      const tokens = countTokens(text.slice(segment.start, segment.end));
      if (segment.start < previousEnd || tokens > 128 || segment.tokens > 128 || segment.tokens < tokens)
        wrong.push(`${segment.start}-${segment.end}: ${segment.tokens} counted, ${tokens} real`);
      previousEnd = segment.end;
    }
    expect(wrong).toEqual([]);
    expect(previousEnd).toBe(text.trimEnd().length);
  });

  it('still counts an ordinary block exactly', () => {
    const text = 'A short paragraph that fits.';
    const [segment] = segmentBlock(text, blockOf(text), 128);
    expect(segment?.tokens).toBe(countTokens(text));
  });
});
