/** A character range inside one piece (text node) of a page's text layer. */
export interface PieceRange {
  piece: number;
  start: number;
  end: number;
}

interface Folded {
  chars: string[];
  /** For each folded character, the piece and offset it came from. */
  origin: { piece: number; offset: number }[];
}

const wordCharacter = /[\p{L}\p{N}]/u;

/** Letters and digits only, case- and compatibility-folded (ligatures, full-width forms). */
function fold(pieces: readonly string[]): Folded {
  const chars: string[] = [];
  const origin: { piece: number; offset: number }[] = [];
  pieces.forEach((text, piece) => {
    for (let offset = 0; offset < text.length; offset++) {
      for (const folded of text[offset]!.normalize('NFKC').toLowerCase()) {
        if (!wordCharacter.test(folded)) continue;
        chars.push(folded);
        origin.push({ piece, offset });
      }
    }
  });
  return { chars, origin };
}

/**
 * Finds the cited characters in the text pieces of a rendered page (pdf.js text-layer spans), where
 * spacing, line breaks and hyphenation differ from Lore's extracted text: both sides are compared on
 * letters and digits only. Returns the ranges to highlight, or an empty list when the quote is not on
 * the page. When the whole quote is not found, its first and last 40 letters bound the match.
 *
 * @example matchQuote(['Ten vaca-', 'tion days.'], 'vacation days') // [{piece:0,start:4,end:9},{piece:1,...}]
 */
export function matchQuote(pieces: readonly string[], quote: string): PieceRange[] {
  const page = fold(pieces);
  const wanted = fold([quote]).chars.join('');
  if (wanted.length === 0) return [];
  const haystack = page.chars.join('');
  let from = haystack.indexOf(wanted);
  let to = from + wanted.length;
  if (from < 0) {
    const edge = Math.min(40, wanted.length);
    from = haystack.indexOf(wanted.slice(0, edge));
    const tail = from < 0 ? -1 : haystack.indexOf(wanted.slice(-edge), from);
    if (from < 0 || tail < 0 || tail - from > wanted.length * 2) return [];
    to = tail + edge;
  }
  const ranges: PieceRange[] = [];
  for (let index = from; index < to; index++) {
    const { piece, offset } = page.origin[index]!;
    const current = ranges.at(-1);
    if (current && current.piece === piece) current.end = offset + 1;
    else ranges.push({ piece, start: offset, end: offset + 1 });
  }
  return ranges;
}

/** The same letters-and-digits folding, for comparing a highlight with its quote. */
export function foldForComparison(text: string): string {
  return fold([text]).chars.join('');
}
