import type { ParsedDocument, ParseWarning } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { baseName } from './decode-text.js';
import { officeDocumentPart, partRelationships, readCoreTitle } from './ooxml.js';
import { readChartTable } from './pptx-chart.js';
import { joinCells } from './table-cells.js';
import { TextBuilder } from './text-builder.js';
import {
  attribute,
  childElements,
  findAll,
  findFirst,
  firstChild,
  parseXml,
  type XmlElement,
} from './xml-tree.js';
import { SafeZip } from './zip.js';

const version = 'pptx@1';

/** Titles that PowerPoint and generators put in docProps by default: not worth showing. */
const genericTitle = /^(powerpoint presentation|presentation\d*|untitled.*|slide \d+)$/i;

interface SlideContext {
  zip: SafeZip;
  builder: TextBuilder;
  slide: number;
  rels: Map<string, string>;
  warnings: ParseWarning[];
}

/**
 * PPTX: slides in presentation order (`ppt/presentation.xml` + rels), text of every shape incl.
 * groups, tables, charts (cached values) and SmartArt; title placeholders become headings and
 * speaker notes become `note` blocks. Every block carries its 1-based `slide`.
 */
export const pptxParser: Parser = {
  formats: ['pptx'],
  version,
  async parse(input: ParseInput): Promise<ParsedDocument> {
    const zip = SafeZip.open(input.bytes, input.fileName);
    const warnings: ParseWarning[] = [];
    const slides = slideParts(zip, warnings);
    if (slides.length > input.limits.maxPages) {
      throw new LoreError(
        'too_many_pages',
        `${input.fileName} has ${slides.length} slides, more than the limit of ${input.limits.maxPages}.`,
      );
    }
    const builder = new TextBuilder();
    for (const [index, part] of slides.entries()) {
      const slide = index + 1;
      if (!zip.has(part)) {
        warnings.push({
          code: 'slide_missing',
          message: `${input.fileName}: slide ${slide} (${part}) is missing from the file.`,
          page: slide,
        });
        continue;
      }
      const context: SlideContext = { zip, builder, slide, rels: partRelationships(zip, part), warnings };
      const before = builder.blockCount;
      const tree = findFirst(parseXml(zip.readText(part), input.fileName, part), 'spTree');
      if (tree) walkShapes(tree, context, false);
      appendNotes(context);
      if (builder.blockCount === before) {
        warnings.push({
          code: 'page_empty',
          message: `${input.fileName}: slide ${slide} has no text.`,
          page: slide,
        });
      }
    }
    const { text, blocks } = builder.build();
    if (slides.length === 0)
      warnings.push({ code: 'no_text', message: `${input.fileName}: the presentation has no slides.` });
    else if (text.length === 0)
      warnings.push({ code: 'no_text', message: `${input.fileName}: the presentation contains no text.` });
    const coreTitle = readCoreTitle(zip);
    const firstHeading = blocks.find((block) => block.kind === 'heading');
    const headingTitle = firstHeading ? text.slice(firstHeading.start, firstHeading.end) : undefined;
    const title =
      (coreTitle && !genericTitle.test(coreTitle) ? coreTitle : undefined) ??
      headingTitle ??
      coreTitle ??
      baseName(input.fileName);
    return {
      format: 'pptx',
      title,
      text,
      blocks,
      pageCount: slides.length,
      warnings,
      parserVersion: version,
    };
  },
};

/** Slide parts in presentation order; falls back to `ppt/slides/slideN.xml` order when links are broken. */
function slideParts(zip: SafeZip, warnings: ParseWarning[]): string[] {
  const presentation = officeDocumentPart(zip, 'ppt/presentation.xml');
  const fallback = (): string[] =>
    zip
      .names()
      .map((name) => /^ppt\/slides\/slide(\d+)\.xml$/.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map((match) => match[0]);
  if (!zip.has(presentation)) {
    throw new LoreError(
      'file_corrupt',
      `${zip.fileName}: not a valid PowerPoint file (${presentation} is missing).`,
    );
  }
  const root = parseXml(zip.readText(presentation), zip.fileName, presentation);
  const ids = findAll(root, 'sldId').map((element) => attribute(element, 'id'));
  const rels = partRelationships(zip, presentation);
  const parts = ids.map((id) => (id ? rels.get(id) : undefined));
  if (parts.every((part): part is string => part !== undefined)) return parts;
  warnings.push({
    code: 'slide_order_guessed',
    message: `${zip.fileName}: the slide list is damaged; slides were read in file-name order.`,
  });
  return fallback();
}

function walkShapes(container: XmlElement, context: SlideContext, inGroup: boolean): void {
  for (const child of childElements(container)) {
    if (child.name === 'sp') shape(child, context, inGroup);
    else if (child.name === 'grpSp') walkShapes(child, context, true);
    else if (child.name === 'graphicFrame') graphicFrame(child, context);
    else if (child.name === 'AlternateContent') {
      const branch = firstChild(child, 'Choice') ?? firstChild(child, 'Fallback');
      if (branch) walkShapes(branch, context, inGroup);
    }
  }
}

function placeholderType(sp: XmlElement): string | undefined {
  const ph = findFirst(firstChild(sp, 'nvSpPr') ?? sp, 'ph');
  if (!ph) return undefined;
  return ph.attrs.type ?? 'body';
}

function shape(sp: XmlElement, context: SlideContext, inGroup: boolean): void {
  const body = firstChild(sp, 'txBody');
  if (!body) return;
  const paragraphs = childElements(body, 'p').map(paragraphText);
  const type = placeholderType(sp);
  const at = { slide: context.slide };
  if (type === 'title' || type === 'ctrTitle') {
    context.builder.add('heading', paragraphs.join(' '), { ...at, level: 1 });
  } else if ((type === 'body' || type === 'obj') && !inGroup) {
    for (const paragraph of paragraphs) context.builder.add('list-item', paragraph, at);
  } else if (type === 'sldNum' || type === 'dt' || type === 'ftr' || type === 'sldImg') {
    return;
  } else {
    context.builder.add('paragraph', paragraphs.join('\n'), at);
  }
}

/** Text of one `a:p`: runs, fields, and `a:br` line breaks. */
function paragraphText(paragraph: XmlElement): string {
  let text = '';
  for (const child of childElements(paragraph)) {
    if (child.name === 'br') text += '\n';
    else if (child.name === 'r' || child.name === 'fld') {
      for (const t of childElements(child, 't'))
        text += t.children.filter((node) => typeof node === 'string').join('');
    }
  }
  return text;
}

function graphicFrame(frame: XmlElement, context: SlideContext): void {
  const data = findFirst(frame, 'graphicData');
  if (!data) return;
  const at = { slide: context.slide };
  const table = firstChild(data, 'tbl');
  if (table) {
    const headerFlag = firstChild(table, 'tblPr')?.attrs.firstRow;
    const rows = childElements(table, 'tr').map((row) =>
      childElements(row, 'tc')
        .filter((cell) => cell.attrs.hMerge !== '1' && cell.attrs.vMerge !== '1')
        .map((cell) => findAll(cell, 'p').map(paragraphText).join(' ').replace(/\s+/g, ' ').trim()),
    );
    let first = true;
    for (const cells of rows) {
      if (!cells.some((cell) => cell.length > 0)) continue;
      const header = first && (headerFlag === '1' || headerFlag === 'true');
      context.builder.add(header ? 'table-header' : 'table-row', joinCells(cells), at);
      first = false;
    }
    return;
  }
  const chartRef = firstChild(data, 'chart');
  const diagramRef = firstChild(data, 'relIds');
  const relId = chartRef ? attribute(chartRef, 'id') : diagramRef ? attribute(diagramRef, 'dm') : undefined;
  const target = relId ? context.rels.get(relId) : undefined;
  if (!target) return;
  if (!context.zip.has(target)) {
    context.warnings.push({
      code: 'part_missing',
      message: `${context.zip.fileName}: slide ${context.slide} refers to ${target}, which is missing.`,
      page: context.slide,
    });
    return;
  }
  const root = parseXml(context.zip.readText(target), context.zip.fileName, target);
  if (chartRef) {
    const chart = readChartTable(root);
    if (!chart) return;
    if (chart.title) context.builder.add('paragraph', `Chart: ${chart.title}`, at);
    if (chart.header.length > 0) context.builder.add('table-header', joinCells(chart.header), at);
    for (const row of chart.rows) context.builder.add('table-row', joinCells(row), at);
  } else {
    for (const paragraph of findAll(root, 'p'))
      context.builder.add('paragraph', paragraphText(paragraph), at);
  }
}

/** Speaker notes: the body placeholder(s) of the slide's notes part. */
function appendNotes(context: SlideContext): void {
  const notesPart = [...context.rels.values()].find((target) =>
    /(^|\/)notesSlides\/[^/]+\.xml$/.test(target),
  );
  if (!notesPart || !context.zip.has(notesPart)) return;
  const tree = findFirst(
    parseXml(context.zip.readText(notesPart), context.zip.fileName, notesPart),
    'spTree',
  );
  if (!tree) return;
  for (const sp of findAll(tree, 'sp')) {
    if (placeholderType(sp) !== 'body') continue;
    const body = firstChild(sp, 'txBody');
    if (!body) continue;
    const text = childElements(body, 'p').map(paragraphText).join('\n');
    context.builder.add('note', text, { slide: context.slide });
  }
}
