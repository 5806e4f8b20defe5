import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import { docxParser } from './docx.parser.js';
import {
  blockTexts,
  expectLoreError,
  expectWellFormed,
  inputOf,
  parseDataset,
} from './parse-test-helpers.js';

const parse = (file: string) => parseDataset(docxParser, readDocument(file), file);

const contentTypes =
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const rootRels =
  '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';

function docx(body: string, extra: Record<string, string> = {}): Uint8Array {
  const document = `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(contentTypes),
    '_rels/.rels': strToU8(rootRels),
    'word/document.xml': strToU8(document),
  };
  for (const [name, value] of Object.entries(extra)) files[name] = strToU8(value);
  return zipSync(files);
}

describe('docxParser on synthetic documents', () => {
  it('keeps insertions, drops deletions, and reads list paragraphs and tables', async () => {
    const body =
      '<w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>GONE</w:delText></w:r></w:del>' +
      '<w:ins w:id="2" w:author="a"><w:r><w:t>added</w:t></w:r></w:ins></w:p>' +
      '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>K</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>V</w:t></w:r></w:p></w:tc></w:tr>' +
      '<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>';
    const document = await docxParser.parse(inputOf(docx(body), 'changes.docx', 'docx'));
    expectWellFormed(document);
    expect(document.text).toContain('Kept added');
    expect(document.text).not.toContain('GONE');
    expect(blockTexts(document, 'table-header')).toEqual(['K | V']);
    expect(blockTexts(document, 'table-row')).toEqual(['1 | 2']);
    expect(document.title).toBe('changes');
  });

  it('never unpacks images, keeps their alt text inline, and warns that they were not read', async () => {
    const drawing =
      '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">' +
      '<wp:docPr id="1" name="Picture 1" descr="A chart of sales"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">' +
      '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">' +
      '<pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rId5"/></pic:blipFill>' +
      '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>';
    const rels =
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>';
    const bytes = docx(`<w:p><w:r><w:t>Before</w:t></w:r>${drawing}<w:r><w:t>After</w:t></w:r></w:p>`, {
      'word/_rels/document.xml.rels': rels,
      'word/media/image1.png': 'not really a png',
    });
    const document = await docxParser.parse(inputOf(bytes, 'picture.docx', 'docx'));
    expect(document.text).toBe('Before A chart of sales After');
    expect(document.warnings.map((warning) => warning.code)).toEqual(['images_not_extracted']);
  });

  it('rejects a ZIP without a main document part', async () => {
    const bytes = zipSync({ '[Content_Types].xml': strToU8(contentTypes), '_rels/.rels': strToU8(rootRels) });
    await expectLoreError(
      docxParser.parse(inputOf(bytes, 'hollow.docx', 'docx')),
      'file_corrupt',
      'hollow.docx',
    );
  });

  it('rejects bytes that are not a ZIP at all', async () => {
    await expectLoreError(
      docxParser.parse(inputOf(strToU8('hello'), 'fake.docx', 'docx')),
      'file_corrupt',
      'fake.docx',
    );
  });
});

describeWithDatasets('docxParser on dataset files', () => {
  it('turns endnotes into note blocks without their back-links', async () => {
    const document = await parse('docx/mammoth__endnotes.docx');
    expect(blockTexts(document, 'note')).toEqual(['A tachyon walks into a bar.', 'Fin.']);
    expect(document.text).not.toContain('↑');
  });

  it('excludes tracked deletions and keeps insertions', async () => {
    const deletion = await parse('docx/pandoc__track_changes_deletion.docx');
    expect(deletion.text).toBe('This is a text with a deletion.');
    const insertion = await parse('docx/pandoc__track_changes_insertion.docx');
    expect(insertion.text).toBe('This is a text with two exciting insertions.');
  });

  it('reads text boxes inside shapes once, and uses the core title', async () => {
    const document = await parse('docx/pandoc__text_in_shape_format.docx');
    expect(document.title).toBe('Using Microsoft Word 2007/2010 for Writing Technical Documents');
    expect(document.text.match(/Valter Kiisk/g)).toHaveLength(1);
  });

  it('places SmartArt text where the diagram is', async () => {
    const document = await parse('docx/pandoc__diagram.docx');
    expect(blockTexts(document)).toEqual(['Diagram after:', 'top\nmiddle\nbottom']);
    expect(document.blocks[0]).toMatchObject({ kind: 'heading', level: 1 });
  });

  it('reads tables as header + rows and headings with levels', async () => {
    const document = await parse('docx/pandoc__tables.docx');
    expect(document.blocks[0]).toMatchObject({ kind: 'heading', level: 2 });
    expect(blockTexts(document, 'table-header')[0]).toBe('Name | Game | Fame | Blame');
    expect(blockTexts(document, 'table-row')).toContain('Russell Wilson | Football | High | Tacky uniform');
  });

  it('finds the main part through the package relationships', async () => {
    const document = await parse('docx/pandoc__alternate_document_path.docx');
    expect(document.blocks[0]).toMatchObject({ kind: 'heading', level: 1 });
    expect(document.title).toBe('Test');
  });

  it('warns instead of failing on a document with no text', async () => {
    const document = await parse('docx/docx__tbl-having-tables.docx');
    expect(document.text).toBe('');
    expect(document.warnings.map((warning) => warning.code)).toContain('no_text');
  });
});
