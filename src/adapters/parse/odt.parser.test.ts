import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import { odtParser } from './odt.parser.js';
import {
  blockTexts,
  expectLoreError,
  expectWellFormed,
  inputOf,
  parseDataset,
} from './parse-test-helpers.js';

const parse = (file: string) => parseDataset(odtParser, readDocument(file), file);

const namespaces =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' +
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"';

function odt(body: string, manifestEntries = '', meta?: string): Uint8Array {
  const files: Record<string, Uint8Array> = {
    mimetype: strToU8('application/vnd.oasis.opendocument.text'),
    'content.xml': strToU8(
      `<?xml version="1.0"?><office:document-content ${namespaces}><office:body><office:text>${body}</office:text></office:body></office:document-content>`,
    ),
    'META-INF/manifest.xml': strToU8(
      `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">${manifestEntries}</manifest:manifest>`,
    ),
  };
  if (meta) files['meta.xml'] = strToU8(meta);
  return zipSync(files);
}

describe('odtParser on a synthetic document', () => {
  it('reads headings with levels, lists, notes, text boxes and tables, and skips the TOC and deletions', async () => {
    const body =
      '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>REMOVED</text:p></text:deletion></text:changed-region></text:tracked-changes>' +
      '<text:table-of-content><text:index-body><text:p>Intro ..... 1</text:p></text:index-body></text:table-of-content>' +
      '<text:h text:outline-level="1">Intro</text:h>' +
      '<text:p>Two<text:s text:c="2"/>spaces<text:change text:change-id="c1"/> and a note<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>The note.</text:p></text:note-body></text:note>.</text:p>' +
      '<text:h text:outline-level="3">Details</text:h>' +
      '<text:list><text:list-item><text:p>First</text:p></text:list-item><text:list-item><text:p>Second</text:p>' +
      '<text:list><text:list-item><text:p>Nested</text:p></text:list-item></text:list></text:list-item></text:list>' +
      '<text:p>Anchor<draw:frame><draw:text-box><text:p>Boxed text</text:p></draw:text-box></draw:frame></text:p>' +
      '<table:table><table:table-header-rows><table:table-row><table:table-cell><text:p>K</text:p></table:table-cell>' +
      '<table:table-cell><text:p>V</text:p></table:table-cell></table:table-row></table:table-header-rows>' +
      '<table:table-row><table:table-cell><text:p>a</text:p></table:table-cell><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>';
    const meta =
      '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><dc:title>Spec</dc:title></office:meta></office:document-meta>';
    const document = await odtParser.parse(inputOf(odt(body, '', meta), 'spec.odt', 'odt'));
    expectWellFormed(document);
    expect(document.title).toBe('Spec');
    expect(
      document.blocks.map((block) => [block.kind, block.level, document.text.slice(block.start, block.end)]),
    ).toEqual([
      ['heading', 1, 'Intro'],
      ['paragraph', undefined, 'Two spaces and a note.'],
      ['note', undefined, 'The note.'],
      ['heading', 3, 'Details'],
      ['list-item', undefined, 'First'],
      ['list-item', undefined, 'Second'],
      ['list-item', undefined, 'Nested'],
      ['paragraph', undefined, 'Anchor'],
      ['paragraph', undefined, 'Boxed text'],
      ['table-header', undefined, 'K | V'],
      ['table-row', undefined, 'a | b'],
    ]);
    expect(document.text).not.toContain('REMOVED');
    expect(document.text).not.toContain('.....');
  });

  it('reports a password-protected document', async () => {
    const encrypted =
      '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum="x"/></manifest:file-entry>';
    await expectLoreError(
      odtParser.parse(inputOf(odt('', encrypted), 'locked.odt', 'odt')),
      'file_encrypted',
      'locked.odt',
    );
  });
});

describeWithDatasets('odtParser on dataset files', () => {
  it('excludes the tracked deletion', async () => {
    const document = await parse('odt/pandoc__trackedChanges.odt');
    expect(document.text).toBe('Some text with and inserted text.');
  });

  it('keeps unicode text intact', async () => {
    const document = await parse('odt/pandoc__unicode.odt');
    expect(document.text).toBe('“”’çӨ©¼вбФШöÉµ');
  });

  it('marks header rows of a table with spans', async () => {
    const document = await parse('odt/pandoc__tableWithSpans.odt');
    expect(blockTexts(document, 'table-header')).toEqual(['H1 Rowspan 2 | H1-2 | H1-3', 'H2-2/3']);
    expect(blockTexts(document, 'table-row')).toContain('B4-1 | Columnspan & Rowspan 2');
  });

  it('reports the damaged ZIP as truncated', async () => {
    await expectLoreError(
      odtParser.parse(inputOf(readDocument('odt/ocrmypdf__tagged.odt'), 'tagged.odt', 'odt')),
      'file_truncated',
      'tagged.odt',
    );
  });
});
