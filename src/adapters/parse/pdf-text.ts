/**
 * Turns pdf.js text items into readable lines and paragraphs. Pure functions, no pdf.js import:
 * the item shape below is the subset of pdf.js `TextItem` that layout needs.
 *
 * Items are kept in content-stream order (which is the reading order for nearly all generators,
 * including two-column LaTeX papers); geometry decides where lines and paragraphs break.
 */

/** The fields of a pdf.js `TextItem` used here. */
export interface PdfTextItem {
  str: string;
  /** [a, b, c, d, e, f] text matrix in PDF user space. */
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
  /** Writing direction pdf.js detected: 'ltr', 'rtl' or 'ttb'. */
  dir?: string;
}

/** One paragraph of a page, with the typographic facts used to spot headings. */
export interface PdfParagraph {
  text: string;
  /** Dominant font size of its lines, in points. */
  size: number;
  lines: number;
  listItem: boolean;
}

interface Line {
  text: string;
  /** Left and right edges of the line, along the writing direction. */
  start: number;
  end: number;
  /** Right-to-left script: the line grows leftwards and reads from its right edge. */
  rtl: boolean;
  /** Baseline position across the writing direction (y for horizontal text). */
  across: number;
  size: number;
  /** Length of the longest item, to pick the dominant size. */
  longest: number;
  angle: number;
  vertical: boolean;
  /** Number of items joined into the line. */
  count: number;
  /** Last item (before normalisation), for continuation checks. */
  lastRaw: string;
  lastAlong: number;
  lastAcross: number;
}

const bulletPattern = /^(?:[•◦▪▫■□●○◆◇►▸‣⁃∙·]|[-–—*]\s)/u;
const cjkPattern = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef]/u;
const verticalFormsPattern = /[\ufe10-\ufe19\ufe30-\ufe4f]/gu;

/** Groups a page's text items (pdf.js `getTextContent().items`) into paragraphs. */
export function pageParagraphs(items: readonly unknown[]): PdfParagraph[] {
  return linesToParagraphs(itemsToLines(items));
}

function isTextItem(item: unknown): item is PdfTextItem {
  return typeof item === 'object' && item !== null && typeof (item as { str?: unknown }).str === 'string';
}

function itemsToLines(items: readonly unknown[]): Line[] {
  const lines: Line[] = [];
  let line: Line | undefined;
  let breakPending = false;
  for (const item of items) {
    if (!isTextItem(item) || item.transform.length < 6) continue;
    const raw = item.str;
    const text = raw.replace(verticalFormsPattern, (ch) => ch.normalize('NFKC')).replace(/\u00ad/g, '');
    if (text.length === 0) {
      breakPending ||= item.hasEOL;
      continue;
    }
    const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = item.transform;
    const angle = Math.round(Math.atan2(b, a) * 100) / 100;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const along = e * cos + f * sin;
    const across = -e * sin + f * cos;
    const size = item.height > 0 ? item.height : Math.hypot(c, d) || Math.hypot(a, b) || 1;
    const width = Number.isFinite(item.width) ? Math.max(0, item.width) : 0;
    const rtl = item.dir === 'rtl';
    if (line && line.angle === angle && continuesVertically(line, raw, along, across, size)) {
      line.text += text;
      line.vertical = true;
      line.count++;
      line.lastRaw = raw;
      line.lastAlong = along;
      line.lastAcross = across;
    } else if (
      line &&
      !breakPending &&
      line.angle === angle &&
      continuesRow(line, along, across, size, rtl)
    ) {
      const gap = line.rtl && rtl ? line.start - (along + width) : along - line.end;
      // Tests look at the last character only: lines can be long, and `/\s$/` would scan all of it.
      if (gap > 0.2 * Math.max(size, line.size) && !/\s/.test(line.text.at(-1) ?? ' ') && !/^\s/.test(text)) {
        line.text += ' ';
      }
      line.text += text;
      line.start = Math.min(line.start, along);
      line.end = Math.max(line.end, along + width);
      line.count++;
      line.lastRaw = raw;
      line.lastAlong = along;
      line.lastAcross = across;
      if (text.trim().length > line.longest) {
        line.longest = text.trim().length;
        line.size = size;
      }
    } else {
      if (line) lines.push(line);
      line = {
        text,
        start: along,
        end: along + width,
        rtl,
        across,
        size,
        longest: text.trim().length,
        angle,
        vertical: false,
        count: 1,
        lastRaw: raw,
        lastAlong: along,
        lastAcross: across,
      };
    }
    breakPending = item.hasEOL;
  }
  if (line) lines.push(line);
  return lines.filter((entry) => entry.text.trim().length > 0);
}

/** Same baseline (within half a line) and not jumping back against the writing direction. */
function continuesRow(line: Line, along: number, across: number, size: number, rtl: boolean): boolean {
  if (line.vertical) return false;
  const em = Math.max(size, line.size);
  if (Math.abs(across - line.lastAcross) >= 0.5 * em) return false;
  return line.rtl && rtl ? along < line.start + em : along > line.end - em;
}

/** Where a line begins and ends in reading order (mirrored for right-to-left lines). */
function head(line: Line): number {
  return line.rtl ? -line.end : line.start;
}

function tail(line: Line): number {
  return line.rtl ? -line.start : line.end;
}

/** CJK vertical writing: single glyphs stacked top to bottom at the same x. */
function continuesVertically(line: Line, raw: string, along: number, across: number, size: number): boolean {
  if (!isSingleCjk(raw) || !isSingleCjk(line.lastRaw)) return false;
  if (!line.vertical && line.count !== 1) return false;
  const drop = line.lastAcross - across;
  return Math.abs(along - line.lastAlong) < 0.6 * size && drop > 0 && drop <= 2.5 * size;
}

function isSingleCjk(text: string): boolean {
  const chars = Array.from(text.trim());
  return chars.length === 1 && cjkPattern.test(chars[0] ?? '');
}

function linesToParagraphs(lines: Line[]): PdfParagraph[] {
  const pitch = typicalPitch(lines);
  const paragraphs: PdfParagraph[] = [];
  let current: { lines: Line[]; parts: string[]; maxEnd: number } | undefined;
  const flush = () => {
    if (!current) return;
    const first = current.lines[0];
    const dominant = current.lines.reduce((best, entry) => (entry.longest > best.longest ? entry : best));
    paragraphs.push({
      text: current.parts.join('').trim(),
      size: dominant.size,
      lines: current.lines.length,
      listItem: first !== undefined && bulletPattern.test(first.text.trim()),
    });
    current = undefined;
  };
  for (const line of lines) {
    const previous = current?.lines.at(-1);
    if (
      current &&
      previous &&
      !startsParagraph(previous, line, current.lines.length, current.maxEnd, pitch)
    ) {
      appendLine(current.parts, line.text.trim(), line.vertical && previous.vertical);
      current.lines.push(line);
      current.maxEnd = Math.max(current.maxEnd, tail(line));
      continue;
    }
    flush();
    current = { lines: [line], parts: [line.text.trim()], maxEnd: tail(line) };
  }
  flush();
  return paragraphs.filter((paragraph) => paragraph.text.length > 0);
}

/** Median baseline-to-baseline distance between consecutive lines, in units of font size. */
function typicalPitch(lines: Line[]): number {
  const ratios: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i - 1];
    const b = lines[i];
    if (!a || !b || a.vertical || b.vertical || a.angle !== b.angle) continue;
    const ratio = (a.across - b.across) / Math.max(a.size, b.size);
    if (ratio > 0.8 && ratio < 3) ratios.push(ratio);
  }
  if (ratios.length === 0) return 1.2;
  ratios.sort((x, y) => x - y);
  return ratios[Math.floor(ratios.length / 2)] ?? 1.2;
}

function startsParagraph(
  previous: Line,
  line: Line,
  lineCount: number,
  maxEnd: number,
  pitch: number,
): boolean {
  if (previous.angle !== line.angle || previous.vertical !== line.vertical) return true;
  const size = Math.max(previous.size, line.size);
  if (line.vertical) {
    const step = previous.start - line.start;
    return !(step > 0 && step <= 2.5 * size);
  }
  if (Math.max(previous.size, line.size) / Math.min(previous.size, line.size) > 1.15) return true;
  const drop = (previous.across - line.across) / size;
  if (drop < 0.5) return !continuesInNextColumn(previous, line, drop, size); // moved up or sideways
  if (drop > Math.max(pitch * 1.3, pitch + 0.35)) return true;
  if (bulletPattern.test(line.text.trim())) return true;
  if (head(line) > head(previous) + 0.8 * size) return true; // first-line indent
  if (lineCount > 1 && head(line) < head(previous) - 0.8 * size) return true; // outdent
  return lineCount > 1 && endsSentence(previous.text) && tail(previous) < maxEnd - 2 * size;
}

/** A sentence cut by a column break: the next line is up and to the right, in lower case. */
function continuesInNextColumn(previous: Line, line: Line, drop: number, size: number): boolean {
  return (
    drop < -3 &&
    head(line) >= tail(previous) - 2 * size &&
    !endsSentence(previous.text) &&
    /^\p{Ll}/u.test(line.text.trim())
  );
}

function endsSentence(text: string): boolean {
  return /[.!?:。！？]["'”’)]?$/u.test(text.trim());
}

/** Joins two lines of one paragraph: CJK without a space, hyphenated words rejoined. */
export function joinLines(before: string, after: string, tight = false): string {
  const parts = [before];
  appendLine(parts, after, tight);
  return parts.join('');
}

/**
 * Appends a line to a paragraph kept as parts (joined once at the end: rebuilding one growing
 * string per line would be quadratic). Only the last part, the previous line, is ever edited.
 */
function appendLine(parts: string[], after: string, tight: boolean): void {
  const before = parts.at(-1) ?? '';
  if (after.length === 0) return;
  if (before.length === 0 || tight) {
    parts.push(after);
  } else if (/^\p{Ll}-$/u.test(before.slice(-2)) && /^\p{Ll}/u.test(after)) {
    parts[parts.length - 1] = before.slice(0, -1);
    parts.push(after);
  } else if (cjkPattern.test(before.at(-1) ?? '') || cjkPattern.test(after[0] ?? '')) {
    parts.push(after);
  } else {
    parts.push(' ', after);
  }
}

/** Splits plain text (OCR output) into paragraphs at blank lines, reflowing each paragraph. */
export function plainTextParagraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\f/g, '\n\n')
    .split(/\n\s*\n/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length > 0)
        .reduce<string[]>((parts, line) => {
          appendLine(parts, line, false);
          return parts;
        }, [])
        .join(''),
    )
    .filter((paragraph) => paragraph.length > 0);
}
