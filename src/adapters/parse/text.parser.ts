import type { ParsedDocument, ParseWarning, TextBlock } from '../../core/document.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { baseName, decodeText, normaliseLineEndings } from './decode-text.js';

const version = 'text@1';

/**
 * Plain text: the text is the file's own content (line endings normalised), so spans map 1:1 to
 * the file; paragraphs are split on blank lines, and form feeds start new pages.
 */
export const textParser: Parser = {
  formats: ['text'],
  version,
  async parse(input: ParseInput): Promise<ParsedDocument> {
    const warnings: ParseWarning[] = [];
    const text = decodeSource(input, warnings);
    const blocks: TextBlock[] = [];
    const hasPages = text.includes('\f');
    let page = 1;
    const pattern = /[^\n\f]*(?:\n|\f|$)/g;
    let paragraphStart = -1;
    let paragraphEnd = -1;
    const flush = (): void => {
      if (paragraphStart >= 0)
        pushTrimmed(blocks, text, 'paragraph', paragraphStart, paragraphEnd, hasPages ? { page } : {});
      paragraphStart = -1;
    };
    for (let match = pattern.exec(text); match && match[0].length > 0; match = pattern.exec(text)) {
      const line = match[0];
      const start = match.index;
      const content = line.replace(/[\n\f]$/, '');
      if (content.trim().length === 0) flush();
      else {
        if (paragraphStart < 0) paragraphStart = start;
        paragraphEnd = start + content.length;
      }
      if (line.endsWith('\f')) {
        flush();
        page++;
      }
    }
    flush();
    if (blocks.length === 0)
      warnings.push({ code: 'no_text', message: `${input.fileName}: the file contains no text.` });
    return {
      format: 'text',
      title: baseName(input.fileName),
      text,
      blocks,
      ...(hasPages ? { pageCount: page } : {}),
      warnings,
      parserVersion: version,
    };
  },
};

/** Decodes a text file (BOM, UTF-8, else Windows-1252 with a warning) and normalises line endings. */
export function decodeSource(input: ParseInput, warnings: ParseWarning[]): string {
  const decoded = decodeText(input.bytes);
  if (decoded.guessed) {
    warnings.push({
      code: 'encoding_guessed',
      message: `${input.fileName}: not valid UTF-8; decoded as ${decoded.encoding}.`,
    });
  }
  return normaliseLineEndings(decoded.text);
}

/** Adds a block over text[start, end) with surrounding whitespace excluded; skips empty spans. */
export function pushTrimmed(
  blocks: TextBlock[],
  text: string,
  kind: TextBlock['kind'],
  start: number,
  end: number,
  extra: Partial<Pick<TextBlock, 'level' | 'page'>> = {},
): void {
  let from = start;
  let to = end;
  while (from < to && /\s/.test(text[from] ?? '')) from++;
  while (to > from && /\s/.test(text[to - 1] ?? '')) to--;
  if (to > from) blocks.push({ kind, start: from, end: to, ...extra });
}
