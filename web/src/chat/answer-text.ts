/** A piece of an answer: plain text, or a citation marker naming source numbers. */
export type AnswerSegment = { kind: 'text'; text: string } | { kind: 'cite'; numbers: number[]; raw: string };

/**
 * Splits an answer into text and citation markers (`[1]`, `[1, 2]`; `[1](url)` links are not
 * markers), keeping only numbers in `known` when given.
 *
 * @example segmentAnswer('Ten days [2].') // [{text:'Ten days '}, {cite:[2]}, {text:'.'}]
 */
export function segmentAnswer(text: string, known?: ReadonlySet<number>): AnswerSegment[] {
  const segments: AnswerSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\](?!\()/g)) {
    const numbers = (match[1] ?? '')
      .split(',')
      .map((part) => Number(part.trim()))
      .filter((n) => !known || known.has(n));
    if (numbers.length === 0) continue;
    const index = match.index ?? 0;
    if (index > last) segments.push({ kind: 'text', text: text.slice(last, index) });
    segments.push({ kind: 'cite', numbers, raw: match[0] });
    last = index + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/** Where a citation points: "handbook.pdf, page 3". */
export function locationOf(citation: {
  fileName: string;
  page?: number;
  slide?: number;
  sheet?: string;
}): string {
  if (citation.page !== undefined) return `${citation.fileName}, page ${citation.page}`;
  if (citation.slide !== undefined) return `${citation.fileName}, slide ${citation.slide}`;
  if (citation.sheet !== undefined) return `${citation.fileName}, sheet ${citation.sheet}`;
  return citation.fileName;
}
