import { analyze } from '../text/analyzer.js';
import type { Citation, Source } from './citation.js';

export interface ExtractiveSentence {
  text: string;
  citation: Citation;
  score: number;
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * Picks the sentences of the sources that best cover the question's terms (IDF-weighted), each
 * with a citation narrowed to that sentence's exact span.
 */
export function extractSentences(
  question: string,
  sources: readonly Source[],
  idf: (term: string) => number,
  maxSentences = 3,
): ExtractiveSentence[] {
  const queryTerms = [...new Set(analyze(question))];
  const totalWeight = queryTerms.reduce((sum, term) => sum + Math.max(idf(term), 0.1), 0);
  if (totalWeight === 0) return [];
  const candidates: ExtractiveSentence[] = [];
  for (const source of sources) {
    for (const piece of sentenceSegmenter.segment(source.text)) {
      const text = piece.segment.trim();
      if (text.length < 20 || text.length > 800) continue;
      const terms = new Set(analyze(text));
      let matched = 0;
      for (const term of queryTerms) if (terms.has(term)) matched += Math.max(idf(term), 0.1);
      if (matched === 0) continue;
      const offset = piece.segment.indexOf(text);
      const start = source.start + piece.index + offset;
      // Earlier sources are more relevant: a gentle rank prior breaks near-ties.
      const score = matched / totalWeight + 0.05 / source.n;
      candidates.push({ text, score, citation: { ...source, start, end: start + text.length, quote: text } });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  const chosen: ExtractiveSentence[] = [];
  for (const candidate of candidates) {
    if (chosen.some((other) => other.text === candidate.text)) continue;
    chosen.push(candidate);
    if (chosen.length >= maxSentences) break;
  }
  return chosen;
}
