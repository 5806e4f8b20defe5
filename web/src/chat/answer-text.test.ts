import { describe, expect, it } from 'vitest';
import { locationOf, segmentAnswer } from './answer-text.js';

describe('segmentAnswer', () => {
  it('splits text and citation markers', () => {
    expect(segmentAnswer('Ten days [2]. Also [1, 3].')).toEqual([
      { kind: 'text', text: 'Ten days ' },
      { kind: 'cite', numbers: [2], raw: '[2]' },
      { kind: 'text', text: '. Also ' },
      { kind: 'cite', numbers: [1, 3], raw: '[1, 3]' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves markdown links and unknown numbers as text', () => {
    expect(segmentAnswer('See [1](https://x.test) and [9].', new Set([1]))).toEqual([
      { kind: 'text', text: 'See [1](https://x.test) and [9].' },
    ]);
  });
});

describe('locationOf', () => {
  it('names the page, slide or sheet', () => {
    expect(locationOf({ fileName: 'a.pdf', page: 3 })).toBe('a.pdf, page 3');
    expect(locationOf({ fileName: 'b.pptx', slide: 2 })).toBe('b.pptx, slide 2');
    expect(locationOf({ fileName: 'c.xlsx', sheet: 'Q1' })).toBe('c.xlsx, sheet Q1');
    expect(locationOf({ fileName: 'd.md' })).toBe('d.md');
  });
});
