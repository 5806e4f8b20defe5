import { describe, expect, it } from 'vitest';
import type { Source } from './citation.js';
import { extractSentences } from './extractive.js';

const text =
  'Badges. Visitors must wear a badge at all times inside the building. The cafeteria opens at eight. ' +
  'Lost badges are replaced by the security desk within one working day.';

const source = (n: number, start: number, body: string): Source => ({
  n,
  documentId: 'd',
  title: 'Handbook',
  fileName: 'handbook.txt',
  chunkId: n,
  start,
  end: start + body.length,
  text: body,
});

describe('extractSentences', () => {
  it('picks the sentences covering the question, each with its exact span', () => {
    const offset = 100;
    const chosen = extractSentences(
      'Who must wear a badge, and how are lost badges replaced?',
      [source(1, offset, text)],
      () => 1,
      2,
    );
    expect(chosen[0]?.text).toBe('Visitors must wear a badge at all times inside the building.');
    expect(chosen[1]?.text).toBe('Lost badges are replaced by the security desk within one working day.');
    for (const sentence of chosen) {
      expect(text.slice(sentence.citation.start - offset, sentence.citation.end - offset)).toBe(
        sentence.text,
      );
      expect(sentence.citation.quote).toBe(sentence.text);
    }
  });

  it('leaves out sentences far weaker than the best one', () => {
    const chosen = extractSentences('How are lost badges replaced?', [source(1, 0, text)], () => 1, 3);
    expect(chosen.map((sentence) => sentence.text)).toEqual([
      'Lost badges are replaced by the security desk within one working day.',
    ]);
  });

  it('ignores question words and bare headings', () => {
    const chosen = extractSentences('What about badges?', [source(1, 0, text)], () => 1, 3);
    expect(chosen.map((sentence) => sentence.text)).not.toContain('Badges.');
    expect(extractSentences('What is it about?', [source(1, 0, text)], () => 1)).toEqual([]);
  });

  it('orders the chosen sentences by source number', () => {
    const chosen = extractSentences(
      'badge replaced security',
      [
        source(1, 0, 'The cafeteria opens at eight and closes at nine.'),
        source(2, 0, text),
        source(3, 0, text),
      ],
      () => 1,
      3,
    );
    const numbers = chosen.map((sentence) => sentence.citation.n);
    expect(numbers).toEqual([...numbers].sort());
  });
});
