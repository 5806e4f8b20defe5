import type { PdfParagraph } from './pdf-text.js';

/** Block kind for one paragraph; `level` is set for headings. */
export interface ParagraphKind {
  kind: 'heading' | 'paragraph' | 'list-item';
  level?: number;
}

/** Paragraph kinds for a whole document: bigger-than-body short paragraphs become headings. */
export function classifyParagraphs(pages: readonly (readonly PdfParagraph[])[]): ParagraphKind[][] {
  const body = bodySize(pages);
  const isHeading = (p: PdfParagraph) =>
    body > 0 &&
    p.size >= body * 1.08 &&
    p.text.length <= 150 &&
    p.lines <= 3 &&
    /\p{L}/u.test(p.text) &&
    !/[.,;]$/.test(p.text);
  const headingSizes = [
    ...new Set(pages.flatMap((page) => page.filter(isHeading).map((p) => roundSize(p.size)))),
  ].sort((x, y) => y - x);
  return pages.map((page) =>
    page.map((p) => {
      if (isHeading(p))
        return { kind: 'heading', level: Math.min(6, headingSizes.indexOf(roundSize(p.size)) + 1) };
      return { kind: p.listItem ? 'list-item' : 'paragraph' };
    }),
  );
}

/** The font size that carries the most characters (the body text). */
function bodySize(pages: readonly (readonly PdfParagraph[])[]): number {
  const weights = new Map<number, number>();
  for (const page of pages) {
    for (const p of page) {
      if (p.size > 0) weights.set(roundSize(p.size), (weights.get(roundSize(p.size)) ?? 0) + p.text.length);
    }
  }
  let best = 0;
  let bestWeight = -1;
  for (const [size, weight] of weights) {
    if (weight > bestWeight) {
      best = size;
      bestWeight = weight;
    }
  }
  return best;
}

function roundSize(size: number): number {
  return Math.round(size * 2) / 2;
}
