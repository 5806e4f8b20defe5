import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import {
  blockTexts,
  expectLoreError,
  expectWellFormed,
  inputOf,
  parseDataset,
  testLimits,
} from './parse-test-helpers.js';
import { pptxParser } from './pptx.parser.js';

const parse = (file: string) => parseDataset(pptxParser, readDocument(file), file);

const ns =
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
const relsNs = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"';
const relType = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function shape(text: string[], placeholder?: string): string {
  const ph = placeholder === undefined ? '' : `<p:ph type="${placeholder}"/>`;
  const paragraphs = text.map((line) => `<a:p><a:r><a:t>${line}</a:t></a:r></a:p>`).join('');
  return `<p:sp><p:nvSpPr><p:cNvPr id="1" name="s"/><p:cNvSpPr/><p:nvPr>${ph}</p:nvPr></p:nvSpPr><p:txBody><a:bodyPr/>${paragraphs}</p:txBody></p:sp>`;
}

const slide = (shapes: string): string =>
  `<?xml version="1.0"?><p:sld ${ns}><p:cSld><p:spTree>${shapes}</p:spTree></p:cSld></p:sld>`;

function presentation(options: { dropPresentationRels?: boolean } = {}): Uint8Array {
  const table =
    '<p:graphicFrame><a:graphic><a:graphicData><a:tbl><a:tblPr firstRow="1"/>' +
    '<a:tr><a:tc><a:txBody><a:p><a:r><a:t>Year</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:p><a:r><a:t>Sales</a:t></a:r></a:p></a:txBody></a:tc></a:tr>' +
    '<a:tr><a:tc><a:txBody><a:p><a:r><a:t>2024</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:p><a:r><a:t>12</a:t></a:r></a:p></a:txBody></a:tc></a:tr>' +
    '</a:tbl></a:graphicData></a:graphic></p:graphicFrame>';
  const files: Record<string, string> = {
    '_rels/.rels': `<Relationships ${relsNs}><Relationship Id="rId1" Type="${relType}/officeDocument" Target="ppt/presentation.xml"/></Relationships>`,
    'ppt/presentation.xml': `<p:presentation ${ns}><p:sldIdLst><p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/></p:sldIdLst></p:presentation>`,
    'ppt/slides/slide1.xml': slide(
      `${shape(['Agenda'], 'title')}${shape(['First point', 'Second point'], 'body')}<p:grpSp>${shape(['Grouped text'])}</p:grpSp>`,
    ),
    'ppt/slides/_rels/slide1.xml.rels': `<Relationships ${relsNs}><Relationship Id="rId1" Type="${relType}/notesSlide" Target="../notesSlides/notesSlide1.xml"/></Relationships>`,
    'ppt/notesSlides/notesSlide1.xml': `<p:notes ${ns}><p:cSld><p:spTree>${shape(['Speaker says hi'], 'body')}${shape(['2'], 'sldNum')}</p:spTree></p:cSld></p:notes>`,
    'ppt/slides/slide2.xml': slide(`${shape(['Opening'], 'ctrTitle')}${table}`),
  };
  if (!options.dropPresentationRels) {
    files['ppt/_rels/presentation.xml.rels'] =
      `<Relationships ${relsNs}><Relationship Id="rId2" Type="${relType}/slide" Target="slides/slide1.xml"/>` +
      `<Relationship Id="rId3" Type="${relType}/slide" Target="slides/slide2.xml"/></Relationships>`;
  }
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}

describe('pptxParser on a synthetic presentation', () => {
  it('follows the presentation order and reads titles, bullets, groups, tables and notes', async () => {
    const document = await pptxParser.parse(inputOf(presentation(), 'deck.pptx', 'pptx'));
    expectWellFormed(document);
    expect(document.pageCount).toBe(2);
    expect(document.title).toBe('Opening');
    const summary = document.blocks.map((block) => [
      block.kind,
      block.slide,
      document.text.slice(block.start, block.end),
    ]);
    expect(summary).toEqual([
      ['heading', 1, 'Opening'],
      ['table-header', 1, 'Year | Sales'],
      ['table-row', 1, '2024 | 12'],
      ['heading', 2, 'Agenda'],
      ['list-item', 2, 'First point'],
      ['list-item', 2, 'Second point'],
      ['paragraph', 2, 'Grouped text'],
      ['note', 2, 'Speaker says hi'],
    ]);
  });

  it('refuses more slides than maxPages', async () => {
    const input = inputOf(presentation(), 'deck.pptx', 'pptx', { ...testLimits, maxPages: 1 });
    const error = await expectLoreError(pptxParser.parse(input), 'too_many_pages', 'deck.pptx');
    expect(error.message).toContain('2 slides');
  });

  it('falls back to file-name order when the presentation relationships are missing', async () => {
    const document = await pptxParser.parse(
      inputOf(presentation({ dropPresentationRels: true }), 'deck.pptx', 'pptx'),
    );
    expectWellFormed(document);
    expect(document.warnings.map((warning) => warning.code)).toContain('slide_order_guessed');
    expect(blockTexts(document, 'heading')).toEqual(['Agenda', 'Opening']);
  });
});

describeWithDatasets('pptxParser on dataset files', () => {
  it('reads the title placeholder as a heading on slide 1', async () => {
    const document = await parse('pptx/pptx__test.pptx');
    expect(document.blocks[0]).toMatchObject({ kind: 'heading', level: 1, slide: 1 });
    expect(document.title).toBe('Presentation Title Text');
    expect(document.pageCount).toBe(1);
  });

  it('degrades gracefully when a relationship part is missing', async () => {
    const document = await parse('pptx/pptx__missing_rels_item.pptx');
    expect(blockTexts(document)).toEqual(['Presentation Title Text', 'Subtitle Text']);
  });

  it('reads tables on every slide with the slide number', async () => {
    const document = await parse('pptx/pptx__tbl-cell.pptx');
    expect(document.pageCount).toBe(3);
    expect(document.blocks.every((block) => block.slide !== undefined)).toBe(true);
    expect(blockTexts(document, 'table-row')).toContain('g | h | i');
  });

  it('turns a chart into a table of its cached values', async () => {
    const document = await parse('pptx/pptx__cht-charts.pptx');
    expect(blockTexts(document, 'table-header')).toEqual(['Category | Series 1 | Series 2 | Series 3']);
    expect(blockTexts(document, 'table-row')).toHaveLength(4);
  });

  it('reports a presentation without slides as empty', async () => {
    const document = await parse('pptx/pptx__no-slides.pptx');
    expect(document.pageCount).toBe(0);
    expect(document.warnings.map((warning) => warning.code)).toEqual(['no_text']);
  });
});
