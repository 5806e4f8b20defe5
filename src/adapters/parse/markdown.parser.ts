import type { ParsedDocument, ParseWarning, TextBlock } from '../../core/document.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { baseName } from './decode-text.js';
import { decodeSource, pushTrimmed } from './text.parser.js';

const version = 'markdown@1';

interface Line {
  start: number;
  /** Offset of the line's end, before its newline. */
  end: number;
  text: string;
}

const atxHeading = /^ {0,3}(#{1,6})(?:[ \t]+|$)/;
const fence = /^( {0,3})(`{3,}|~{3,})/;
const thematicBreak = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const setextUnderline = /^ {0,3}(=+|-+)[ \t]*$/;
const listMarker = /^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)/;
const tableDelimiter = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const blank = /^[ \t]*$/;

/**
 * Markdown: the text is the source itself (line endings normalised) so spans map 1:1 to what the
 * user wrote. Blocks: ATX and setext headings with level, paragraphs, list items, fenced and
 * indented code, block quotes, and table rows (the row before a delimiter row is the header).
 */
export const markdownParser: Parser = {
  formats: ['markdown'],
  version,
  async parse(input: ParseInput): Promise<ParsedDocument> {
    const warnings: ParseWarning[] = [];
    const text = decodeSource(input, warnings);
    const blocks = markdownBlocks(text);
    if (blocks.length === 0)
      warnings.push({ code: 'no_text', message: `${input.fileName}: the file contains no text.` });
    const titled =
      blocks.find((block) => block.kind === 'title') ?? blocks.find((block) => block.kind === 'heading');
    const title =
      frontMatterTitle(text) ?? (titled ? text.slice(titled.start, titled.end) : baseName(input.fileName));
    return { format: 'markdown', title, text, blocks, warnings, parserVersion: version };
  },
};

/** Splits normalised markdown source into blocks whose spans point into that same source. */
export function markdownBlocks(text: string): TextBlock[] {
  const lines: Line[] = [];
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    lines.push({ start, end, text: text.slice(start, end) });
    start = end + 1;
  }
  const blocks: TextBlock[] = [];
  const add = (kind: TextBlock['kind'], from: number, to: number, level?: number): void =>
    pushTrimmed(blocks, text, kind, from, to, level === undefined ? {} : { level });
  let i = skipFrontMatter(lines);
  let inList = false;
  let previousBlank = true;
  while (i < lines.length) {
    const line = lines[i] as Line;
    const raw = line.text;
    if (blank.test(raw)) {
      previousBlank = true;
      i++;
      continue;
    }
    const startsTitleBlock =
      blocks.length === 0 || (blocks.length < 3 && lines[i - 1]?.text.startsWith('% '));
    const heading = atxHeading.exec(raw);
    const fenceOpen = fence.exec(raw);
    const marker = listMarker.exec(raw);
    const indent = /^[ \t]*/.exec(raw)?.[0].replace(/\t/g, '    ').length ?? 0;
    if (raw.startsWith('% ') && startsTitleBlock) {
      add(blocks.length === 0 ? 'title' : 'paragraph', line.start + 2, line.end);
      i++;
    } else if (heading) {
      const content = raw.slice(heading[0].length).replace(/[ \t]+#+[ \t]*$|^#+[ \t]*$/, '');
      add(
        'heading',
        line.start + heading[0].length,
        line.start + heading[0].length + content.length,
        heading[1]?.length,
      );
      i++;
    } else if (fenceOpen) {
      const closing = new RegExp(
        `^ {0,3}${fenceOpen[2]?.[0] === '`' ? '`' : '~'}{${fenceOpen[2]?.length ?? 3},}[ \\t]*$`,
      );
      let j = i + 1;
      while (j < lines.length && !closing.test((lines[j] as Line).text)) j++;
      if (j > i + 1) add('code', (lines[i + 1] as Line).start, (lines[j - 1] as Line).end);
      i = j + 1;
    } else if (thematicBreak.test(raw)) {
      i++;
    } else if (marker && (indent <= 3 || inList)) {
      const contentStart = line.start + marker[0].length;
      let j = i + 1;
      while (
        j < lines.length &&
        continuesBlock((lines[j] as Line).text) &&
        !listMarker.test((lines[j] as Line).text)
      )
        j++;
      add('list-item', contentStart, (lines[j - 1] as Line).end);
      inList = true;
      i = j;
    } else if (/^ {0,3}>/.test(raw)) {
      let j = i + 1;
      const quoted = (next: string): boolean => /^ {0,3}>/.test(next) || continuesBlock(next);
      while (j < lines.length && !blank.test((lines[j] as Line).text) && quoted((lines[j] as Line).text)) j++;
      add(
        'paragraph',
        line.start + (/^ {0,3}>[ \t]?/.exec(raw)?.[0].length ?? 0),
        (lines[j - 1] as Line).end,
      );
      i = j;
    } else if (indent >= 4 && previousBlank && !inList) {
      let j = i + 1;
      while (
        j < lines.length &&
        (blank.test((lines[j] as Line).text) || /^( {4}|\t)/.test((lines[j] as Line).text))
      )
        j++;
      add('code', line.start, (lines[j - 1] as Line).end);
      i = j;
    } else if (
      raw.includes('|') &&
      i + 1 < lines.length &&
      tableDelimiter.test((lines[i + 1] as Line).text)
    ) {
      add('table-header', line.start, line.end);
      let j = i + 2;
      for (
        ;
        j < lines.length && !blank.test((lines[j] as Line).text) && (lines[j] as Line).text.includes('|');
        j++
      ) {
        add('table-row', (lines[j] as Line).start, (lines[j] as Line).end);
      }
      i = j;
    } else {
      let j = i + 1;
      while (j < lines.length && continuesBlock((lines[j] as Line).text)) {
        if (setextUnderline.test((lines[j] as Line).text)) break;
        j++;
      }
      const underline = j < lines.length ? setextUnderline.exec((lines[j] as Line).text) : null;
      if (underline) {
        add('heading', line.start, (lines[j - 1] as Line).end, underline[1]?.startsWith('=') ? 1 : 2);
        j++;
      } else add('paragraph', line.start, (lines[j - 1] as Line).end);
      if (indent === 0) inList = false;
      i = j;
    }
    if (!marker && indent === 0 && previousBlank) inList = false;
    previousBlank = false;
  }
  return blocks;
}

/** A line that starts a different block and so ends a paragraph or list item. */
function startsBlock(line: string): boolean {
  return (
    atxHeading.test(line) ||
    fence.test(line) ||
    /^ {0,3}>/.test(line) ||
    (thematicBreak.test(line) && !/^ {0,3}-+[ \t]*$/.test(line))
  );
}

function continuesBlock(line: string): boolean {
  return !blank.test(line) && !startsBlock(line);
}

/** Skips YAML front matter (`---` ... `---`) at the very start. */
function skipFrontMatter(lines: Line[]): number {
  if (lines[0]?.text !== '---' || !/^[\w-]+:/.test(lines[1]?.text ?? '')) return 0;
  for (let i = 1; i < Math.min(lines.length, 200); i++) {
    if (lines[i]?.text === '---' || lines[i]?.text === '...') return i + 1;
  }
  return 0;
}

function frontMatterTitle(text: string): string | undefined {
  const match = /^---\n(?:[\s\S]*?\n)?title:[ \t]*["']?(.+?)["']?[ \t]*\n[\s\S]*?\n(?:---|\.\.\.)\n/.exec(
    text,
  );
  return match?.[1]?.trim() || undefined;
}
