import { parseHTML } from 'linkedom';
import type { BlockKind } from '../../core/document.js';
import { joinCells } from './table-cells.js';
import type { BlockLocation, TextBuilder } from './text-builder.js';

/** How the walker treats one element, when the caller wants to override the default. */
export type ElementRole = 'note' | 'skip' | undefined;

export interface HtmlBlockOptions {
  /** Location fields (page, slide, sheet) stamped on every block. */
  location?: BlockLocation;
  /** Marks elements as notes (footnotes) or to be skipped (back-links, boilerplate). */
  classify?: (element: Element) => ElementRole;
}

const skippedTags = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'canvas',
  'iframe',
  'object',
  'embed',
  'head',
  'button',
  'select',
  'input',
  'textarea',
  'annotation',
  'annotation-xml',
  'video',
  'audio',
  'map',
]);

const blockTags = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'center',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hgroup',
  'hr',
  'legend',
  'main',
  'nav',
  'ol',
  'p',
  'section',
  'summary',
  'ul',
  'caption',
]);

/**
 * Deepest element nesting kept (browsers cap theirs at 512). Tags nested deeper are dropped before
 * the page is parsed, keeping their text: a page nested 100,000 levels deep would otherwise take
 * linkedom quadratic time and overflow the stack of the recursive walks (ours, Readability's).
 */
export const maxHtmlDepth = 256;

/** Elements without content, and elements whose end tag may be left out (implicitly closed). */
const uncountedTags = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
  'p',
  'li',
  'dt',
  'dd',
  'option',
  'optgroup',
  'tr',
  'td',
  'th',
  'thead',
  'tbody',
  'tfoot',
  'colgroup',
  'caption',
  'rb',
  'rt',
  'rtc',
  'rp',
  'html',
  'head',
  'body',
]);

/**
 * Drops the start and end tags nested deeper than `maxHtmlDepth` (their text stays), in one
 * linear scan; `dropped` counts the tags removed.
 */
export function limitHtmlNesting(html: string): { html: string; dropped: number } {
  let depth = 0;
  let dropped = 0;
  const out = html.replace(
    /<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g,
    (tag, slash, name, rest) => {
      const lower = (name as string).toLowerCase();
      if (uncountedTags.has(lower) || (rest as string).endsWith('/')) return tag;
      if (slash) {
        const deep = depth > maxHtmlDepth;
        depth = Math.max(0, depth - 1);
        if (!deep) return tag;
      } else if (++depth <= maxHtmlDepth) return tag;
      dropped++;
      return '';
    },
  );
  return { html: dropped > 0 ? out : html, dropped };
}

/**
 * Parses HTML (a full page or a fragment) into a linkedom document that always has a body, with
 * nesting deeper than `maxHtmlDepth` flattened.
 */
export function parseHtmlDocument(source: string): Document {
  const html = limitHtmlNesting(source).html;
  const wrapped = `<!doctype html><html><head></head><body>${html}</body></html>`;
  if (!/<(html|body)[\s>]/i.test(html)) return flattenDeepNesting(domOf(wrapped));
  const document = domOf(html);
  return flattenDeepNesting(document.documentElement && document.body ? document : domOf(wrapped));
}

/** Element nesting depth of a document (the root element is 1), never more than `maxHtmlDepth`. */
export function htmlDepth(document: Document): number {
  let deepest = 0;
  visitElements(document, (_element, depth) => {
    deepest = Math.max(deepest, depth);
  });
  return deepest;
}

/**
 * Replaces the content of every element at `maxHtmlDepth` by its text (nesting the tag scan did
 * not count, such as unclosed `<p>` in tables). Iterative: no recursion.
 */
function flattenDeepNesting(document: Document): Document {
  visitElements(document, (element, depth) => {
    if (depth === maxHtmlDepth && element.firstElementChild) element.textContent = element.textContent ?? '';
  });
  return document;
}

/** Visits elements depth-first down to `maxHtmlDepth` with an explicit stack. */
function visitElements(document: Document, visit: (element: Element, depth: number) => void): void {
  const root = document.documentElement;
  if (!root) return;
  const stack: [Element, number][] = [[root, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [element, depth] = next;
    visit(element, depth);
    if (depth >= maxHtmlDepth) continue;
    for (let child = element.lastElementChild; child; child = child.previousElementSibling)
      stack.push([child, depth + 1]);
  }
}

function domOf(html: string): Document {
  // linkedom ships its own DOM classes; they implement the standard DOM interfaces used here.
  return parseHTML(html).document as unknown as Document;
}

/**
 * Walks a DOM subtree into blocks: headings (with level), paragraphs, list items, table header and
 * rows (cells joined with ' | '), code, and notes, appended to `builder` in document order.
 */
export function appendHtmlBlocks(root: Node, builder: TextBuilder, options: HtmlBlockOptions = {}): void {
  const walker = new Walker(builder, options);
  walker.walkChildren(root);
  walker.flush();
}

class Walker {
  private inline: string[] = [];
  private kind: BlockKind = 'paragraph';

  constructor(
    private readonly builder: TextBuilder,
    private readonly options: HtmlBlockOptions,
  ) {}

  flush(kind: BlockKind = this.kind): void {
    if (this.inline.length === 0) return;
    const text = this.inline.join('');
    this.inline = [];
    this.builder.add(kind, text, { ...this.options.location });
  }

  walkChildren(node: Node): void {
    for (const child of Array.from(node.childNodes)) this.visit(child);
  }

  private visit(node: Node): void {
    if (node.nodeType === 3 || node.nodeType === 4) {
      this.inline.push(collapseWhitespace(node.nodeValue ?? ''));
      return;
    }
    if (node.nodeType !== 1) return;
    const element = node as Element;
    const tag = element.localName.toLowerCase();
    if (skippedTags.has(tag) || isHidden(element)) return;
    const role = this.options.classify?.(element);
    if (role === 'skip') return;
    if (role === 'note') {
      this.within(element, 'note');
      return;
    }
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      this.flush();
      this.builder.add('heading', inlineText(element), {
        ...this.options.location,
        level: Number(heading[1]),
      });
      return;
    }
    if (tag === 'br') this.inline.push('\n');
    else if (tag === 'li') this.within(element, this.kind === 'note' ? 'note' : 'list-item');
    else if (tag === 'pre') {
      this.flush();
      this.builder.add('code', element.textContent ?? '', { ...this.options.location });
    } else if (tag === 'table') {
      this.flush();
      this.table(element);
    } else if (tag === 'img') {
      const alt = element.getAttribute('alt');
      if (alt && alt.trim().length > 0 && this.inline.some((part) => part.trim().length > 0))
        this.inline.push(` ${alt} `);
    } else if (blockTags.has(tag) || tag === 'tr' || tag === 'td' || tag === 'th') {
      this.flush();
      this.walkChildren(element);
      this.flush();
    } else this.walkChildren(element);
  }

  /** Walks an element whose loose text becomes blocks of `kind` (list items, notes). */
  private within(element: Element, kind: BlockKind): void {
    this.flush();
    const saved = this.kind;
    this.kind = kind;
    this.walkChildren(element);
    this.flush();
    this.kind = saved;
  }

  private table(table: Element): void {
    const rows = tableRows(table);
    const caption = Array.from(table.children).find((child) => child.localName.toLowerCase() === 'caption');
    if (caption) this.builder.add('paragraph', inlineText(caption), { ...this.options.location });
    const layout =
      table.getAttribute('role') === 'presentation' ||
      table.querySelector('table') !== null ||
      rows.every((row) => row.children.length <= 1); // one-column tables are boxes, not data
    if (layout) {
      for (const row of rows.length > 0 ? rows : [table]) {
        for (const cell of Array.from(row.children)) {
          this.walkChildren(cell);
          this.flush();
        }
      }
      return;
    }
    const texts = rows.map((row) =>
      Array.from(row.children).map((cell) => inlineText(cell).replace(/\s+/g, ' ').trim()),
    );
    const nonEmpty = texts.filter((cells) => cells.some((cell) => cell.length > 0));
    const explicitHeader = rows.some((row) => isHeaderRow(row));
    // Without any <th>, the first row is taken as the header (DOCX tables, simple HTML tables).
    const guessHeader = !explicitHeader && table.querySelector('th') === null && nonEmpty.length > 1;
    let first = true;
    for (const [index, cells] of texts.entries()) {
      if (!cells.some((cell) => cell.length > 0)) continue;
      const row = rows[index];
      const header = explicitHeader ? row !== undefined && isHeaderRow(row) : first && guessHeader;
      this.builder.add(header ? 'table-header' : 'table-row', joinCells(cells), { ...this.options.location });
      first = false;
    }
  }
}

/** Rows of this table, not of tables nested inside it. */
function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  for (const child of Array.from(table.children)) {
    const tag = child.localName.toLowerCase();
    if (tag === 'tr') rows.push(child);
    else if (tag === 'thead' || tag === 'tbody' || tag === 'tfoot') {
      for (const row of Array.from(child.children)) if (row.localName.toLowerCase() === 'tr') rows.push(row);
    }
  }
  return rows;
}

function isHeaderRow(row: Element): boolean {
  if (row.parentElement?.localName.toLowerCase() === 'thead') return true;
  const cells = Array.from(row.children);
  return cells.length > 0 && cells.every((cell) => cell.localName.toLowerCase() === 'th');
}

/** Text of an element as one line: whitespace collapsed, block boundaries and <br> become spaces. */
export function inlineText(element: Element): string {
  const parts: string[] = [];
  const visit = (node: Node): void => {
    if (node.nodeType === 3 || node.nodeType === 4) {
      parts.push(collapseWhitespace(node.nodeValue ?? ''));
      return;
    }
    if (node.nodeType !== 1) return;
    const child = node as Element;
    const tag = child.localName.toLowerCase();
    if (skippedTags.has(tag) || isHidden(child)) return;
    const spaced =
      tag === 'br' || blockTags.has(tag) || tag === 'li' || tag === 'td' || tag === 'th' || tag === 'tr';
    if (spaced) parts.push(' ');
    for (const grandchild of Array.from(child.childNodes)) visit(grandchild);
    if (spaced) parts.push(' ');
  };
  for (const child of Array.from(element.childNodes)) visit(child);
  return parts
    .join('')
    .replace(/[ \t\n\r\f]+/g, ' ')
    .trim();
}

function collapseWhitespace(text: string): string {
  return text.replace(/[ \t\n\r\f]+/g, ' ');
}

function isHidden(element: Element): boolean {
  if (element.hasAttribute('hidden')) return true;
  const style = element.getAttribute('style');
  return style !== null && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}
