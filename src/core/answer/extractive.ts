import { analyze, subjectTerms } from '../text/analyzer.js';
import type { Citation, Source } from './citation.js';

export interface ExtractiveSentence {
  text: string;
  citation: Citation;
  score: number;
}

/** Sentences scoring below this share of the best one are left out. */
const relativeFloor = 0.6;

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
  const queryTerms = subjectTerms(question);
  const totalWeight = queryTerms.reduce((sum, term) => sum + Math.max(idf(term), 0.1), 0);
  if (totalWeight === 0) return [];
  const candidates: ExtractiveSentence[] = [];
  for (const source of sources) {
    for (const piece of sentenceSegmenter.segment(source.text)) {
      const text = piece.segment.trim();
      if (text.length < 25 || text.length > 800 || !/\p{L}.*\s.*\p{L}/u.test(text)) continue;
      const terms = new Set(analyze(text));
      let matched = 0;
      for (const term of queryTerms) if (terms.has(term)) matched += Math.max(idf(term), 0.1);
      if (matched === 0) continue;
      const offset = piece.segment.indexOf(text);
      const start = source.start + piece.index + offset;
      // Coverage of the question first; then a gentle prior for earlier sources and for sentences
      // with some substance (a bare heading that repeats the question answers nothing).
      const words = terms.size;
      const score = matched / totalWeight + 0.05 / source.n + Math.min(words, 12) / 240;
      candidates.push({ text, score, citation: { ...source, start, end: start + text.length, quote: text } });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  // A sentence far weaker than the best one is noise next to it (e.g. one shared word).
  const floor = (candidates[0]?.score ?? 0) * relativeFloor;
  const chosen: ExtractiveSentence[] = [];
  for (const candidate of candidates) {
    if (candidate.score < floor) break;
    const plain = normalise(candidate.text);
    if (
      chosen.some((other) => normalise(other.text).includes(plain) || plain.includes(normalise(other.text)))
    )
      continue;
    chosen.push(candidate);
    if (chosen.length >= maxSentences) break;
  }
  // Read in source order, then document order: citations go [1], [2]… rather than by score.
  return chosen.sort((a, b) => a.citation.n - b.citation.n || a.citation.start - b.citation.start);
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
