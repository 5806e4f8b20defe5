import type { BlockKind, ParsedDocument, ParseWarning } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { baseName } from './decode-text.js';
import { assertOdfNotEncrypted, odfInlineText, readOdfContent, readOdfTitle } from './odf.js';
import { joinCells } from './table-cells.js';
import { TextBuilder } from './text-builder.js';
import { childElements, findAll, findFirst, type XmlElement } from './xml-tree.js';
import { SafeZip } from './zip.js';

const version = 'odt@1';

/** Generated indexes repeat the headings; declarations and forms hold no running text. */
const skipped = new Set([
  'tracked-changes',
  'sequence-decls',
  'variable-decls',
  'user-field-decls',
  'forms',
  'table-of-content',
  'alphabetical-index',
  'illustration-index',
  'table-index',
  'object-index',
  'user-index',
  'annotation',
  'table-columns',
  'table-column',
]);

/**
 * ODT from content.xml: `text:h` headings with their outline level, paragraphs, list items,
 * tables (header rows as `table-header`), text boxes, and footnotes as `note` blocks. Tracked
 * deletions are left out.
 */
export const odtParser: Parser = {
  formats: ['odt'],
  version,
  async parse(input: ParseInput): Promise<ParsedDocument> {
    const zip = SafeZip.open(input.bytes, input.fileName);
    assertOdfNotEncrypted(zip);
    const content = readOdfContent(zip, 'text document');
    const body = findFirst(content, 'text');
    if (!body)
      throw new LoreError('file_corrupt', `${input.fileName}: not a valid OpenDocument text (no text body).`);
    const builder = new TextBuilder();
    new OdtWalker(builder).walk(body, 'paragraph');
    const { text, blocks } = builder.build();
    const warnings: ParseWarning[] = [];
    if (text.length === 0)
      warnings.push({ code: 'no_text', message: `${input.fileName}: the document contains no text.` });
    const firstHeading = blocks.find((block) => block.kind === 'heading');
    const title =
      readOdfTitle(zip) ??
      (firstHeading ? text.slice(firstHeading.start, firstHeading.end) : undefined) ??
      baseName(input.fileName);
    return { format: 'odt', title, text, blocks, warnings, parserVersion: version };
  },
};

class OdtWalker {
  constructor(private readonly builder: TextBuilder) {}

  walk(container: XmlElement, kind: BlockKind): void {
    for (const child of childElements(container)) this.visit(child, kind);
  }

  private visit(element: XmlElement, kind: BlockKind): void {
    if (skipped.has(element.name)) return;
    switch (element.name) {
      case 'h': {
        const level = Math.min(6, Math.max(1, Number(element.attrs['text:outline-level'] ?? 1) || 1));
        this.paragraph(element, 'heading', level);
        return;
      }
      case 'p':
        this.paragraph(element, kind);
        return;
      case 'list-item':
      case 'list-header':
        this.walk(element, kind === 'note' ? 'note' : 'list-item');
        return;
      case 'note':
        this.note(element);
        return;
      case 'table':
        this.table(element, kind);
        return;
      default:
        this.walk(element, kind);
    }
  }

  /** One paragraph; frames and notes anchored inside it follow it as their own blocks. */
  private paragraph(element: XmlElement, kind: BlockKind, level?: number): void {
    const nested: XmlElement[] = [];
    const text = odfInlineText(element, (child) => nested.push(child));
    this.builder.add(kind, text, level === undefined ? {} : { level });
    for (const child of nested) {
      if (child.name === 'note') this.note(child);
      else this.walk(child, 'paragraph');
    }
  }

  private note(note: XmlElement): void {
    const body = findFirst(note, 'note-body');
    if (body) this.walk(body, 'note');
  }

  private table(table: XmlElement, kind: BlockKind): void {
    const rows: Array<{ row: XmlElement; header: boolean }> = [];
    const collect = (parent: XmlElement, header: boolean): void => {
      for (const child of childElements(parent)) {
        if (child.name === 'table-row') rows.push({ row: child, header });
        else if (child.name === 'table-header-rows') collect(child, true);
        else if (child.name === 'table-rows' || child.name === 'table-row-group') collect(child, header);
      }
    };
    collect(table, false);
    const layout = rows.some(({ row }) => findAll(row, 'table').length > 0);
    for (const { row, header } of rows) {
      const cells = childElements(row).filter((cell) => cell.name === 'table-cell');
      if (layout) {
        for (const cell of cells) this.walk(cell, kind);
        continue;
      }
      const texts = cells.map((cell) =>
        childElements(cell)
          .flatMap((child) => (child.name === 'list' ? findAll(child, 'p') : [child]))
          .filter((child) => child.name === 'p' || child.name === 'h')
          .map((paragraph) => odfInlineText(paragraph))
          .join(' '),
      );
      this.builder.add(header ? 'table-header' : 'table-row', joinCells(texts));
    }
  }
}
