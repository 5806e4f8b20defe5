import { describe, expect, it } from 'vitest';
import { classifyParagraphs } from './pdf-headings.js';
import {
  joinLines,
  type PdfParagraph,
  type PdfTextItem,
  pageParagraphs,
  plainTextParagraphs,
} from './pdf-text.js';

/** A horizontal text item at (x, y) in a `size`-point font; width ≈ 0.5 em per character. */
function item(
  str: string,
  x: number,
  y: number,
  options: { size?: number; eol?: boolean; width?: number; rtl?: boolean } = {},
) {
  const size = options.size ?? 10;
  return {
    str,
    transform: [size, 0, 0, size, x, y],
    width: options.width ?? str.length * size * 0.5,
    height: size,
    hasEOL: options.eol ?? false,
    dir: options.rtl ? 'rtl' : 'ltr',
  } satisfies PdfTextItem;
}

const texts = (paragraphs: PdfParagraph[]) => paragraphs.map((paragraph) => paragraph.text);

describe('pageParagraphs', () => {
  it('joins items of one row, adding a space only where there is a gap', () => {
    const paragraphs = pageParagraphs([item('Hello', 10, 700), item('World', 50, 700), item('!', 75, 700)]);
    expect(texts(paragraphs)).toEqual(['Hello World!']);
  });

  it('skips marked-content entries and keeps explicit spaces', () => {
    const paragraphs = pageParagraphs([
      { type: 'beginMarkedContent' },
      item('a', 10, 700),
      item(' ', 15, 700),
      item('b', 20, 700),
    ]);
    expect(texts(paragraphs)).toEqual(['a b']);
  });

  it('reflows lines of a paragraph, rejoins hyphenated words, and splits at a vertical gap', () => {
    const paragraphs = pageParagraphs([
      item('Existing systems need a lot of hu-', 72, 700, { eol: true, width: 200 }),
      item('man effort to tune for a new scenario', 72, 688, { eol: true, width: 200 }),
      item('and are slow.', 72, 676, { eol: true, width: 70 }),
      item('A second paragraph.', 72, 640, { width: 100 }),
    ]);
    expect(texts(paragraphs)).toEqual([
      'Existing systems need a lot of human effort to tune for a new scenario and are slow.',
      'A second paragraph.',
    ]);
  });

  it('starts a paragraph at a first-line indent', () => {
    const paragraphs = pageParagraphs([
      item('end of the first paragraph.', 72, 700, { eol: true, width: 150 }),
      item('Indented start of the next', 84, 688, { eol: true, width: 140 }),
      item('one, continuing.', 72, 676, { width: 90 }),
    ]);
    expect(texts(paragraphs)).toEqual([
      'end of the first paragraph.',
      'Indented start of the next one, continuing.',
    ]);
  });

  it('keeps content-stream order on two-column pages and joins a sentence cut by the column break', () => {
    const paragraphs = pageParagraphs([
      item('Left column starts here and the', 72, 700, { eol: true, width: 220 }),
      item('sentence runs down to the', 72, 688, { eol: true, width: 220 }),
      item('bottom of the', 72, 676, { eol: true, width: 220 }),
      item('column and then con-', 72, 664, { eol: true, width: 220 }),
      item('tinues at the top of the right column.', 310, 700, { eol: true, width: 220 }),
      item('Right column text.', 322, 688, { width: 100 }),
    ]);
    expect(texts(paragraphs)).toEqual([
      'Left column starts here and the sentence runs down to the bottom of the column and then continues at the top of the right column.',
      'Right column text.',
    ]);
  });

  it('does not merge the two columns of one row when they come in column order', () => {
    const paragraphs = pageParagraphs([
      item('Left A.', 72, 700, { eol: true }),
      item('Left B.', 72, 688, { eol: true }),
      item('Right A.', 310, 700, { eol: true }),
      item('Right B.', 310, 688),
    ]);
    expect(texts(paragraphs)).toEqual(['Left A. Left B.', 'Right A. Right B.']);
  });

  it('reads CJK vertical writing as columns, normalising vertical punctuation forms', () => {
    const column = (x: number, chars: string) =>
      Array.from(chars).map((ch, index) => item(ch, x, 700 - index * 8, { size: 8, width: 8, eol: true }));
    const paragraphs = pageParagraphs([
      ...column(400, '第二条中'),
      item('︑', 404, 668, { size: 8, width: 8 }),
      ...column(389, '改める'),
    ]);
    expect(texts(paragraphs)).toEqual(['第二条中、改める']);
  });

  it('reads right-to-left lines from their right edge', () => {
    const paragraphs = pageParagraphs([
      item('مرحبا', 200, 700, { rtl: true, width: 40 }),
      item('بالعالم', 150, 700, { rtl: true, width: 45, eol: true }),
      item('سطر أقصر', 180, 688, { rtl: true, width: 60 }),
    ]);
    expect(texts(paragraphs)).toEqual(['مرحبا بالعالم سطر أقصر']);
  });

  it('marks bullet lines as list items', () => {
    const paragraphs = pageParagraphs([item('• first', 72, 700, { eol: true }), item('• second', 72, 688)]);
    expect(paragraphs.map((paragraph) => [paragraph.text, paragraph.listItem])).toEqual([
      ['• first', true],
      ['• second', true],
    ]);
  });

  it('returns nothing for a page without text', () => {
    expect(pageParagraphs([])).toEqual([]);
    expect(pageParagraphs([item('   ', 10, 10), item('', 10, 10, { eol: true })])).toEqual([]);
  });
});

describe('classifyParagraphs', () => {
  it('makes short paragraphs in a larger font headings, levels by size', () => {
    const body = 'Body text that carries most of the characters on the page, long enough to dominate.';
    const kinds = classifyParagraphs([
      [
        { text: 'Title of the paper', size: 14, lines: 1, listItem: false },
        { text: '1 Introduction', size: 12, lines: 1, listItem: false },
        { text: body, size: 10, lines: 3, listItem: false },
        { text: '• a point', size: 10, lines: 1, listItem: true },
      ],
      [{ text: '2 Method', size: 12, lines: 1, listItem: false }],
    ]);
    expect(kinds).toEqual([
      [
        { kind: 'heading', level: 1 },
        { kind: 'heading', level: 2 },
        { kind: 'paragraph' },
        { kind: 'list-item' },
      ],
      [{ kind: 'heading', level: 2 }],
    ]);
  });
});

describe('joinLines and plainTextParagraphs', () => {
  it('joins CJK without a space and keeps hyphens before capitals or digits', () => {
    expect(joinLines('漢字', 'かな')).toBe('漢字かな');
    expect(joinLines('MUC-', '6 scenario')).toBe('MUC- 6 scenario');
    expect(joinLines('semi-', 'automatic')).toBe('semiautomatic');
  });

  it('splits OCR output at blank lines and reflows each paragraph', () => {
    expect(plainTextParagraphs('The Linn\nSequencer\n\n\n* Operation is simi-\nlar\n\f')).toEqual([
      'The Linn Sequencer',
      '* Operation is similar',
    ]);
  });
});
