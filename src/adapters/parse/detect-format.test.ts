import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import { sheetJs } from './cfb.js';
import { detectFormat, looksLikeCsv, looksLikeMarkdown } from './detect-format.js';
import { expectLoreError } from './parse-test-helpers.js';

const utf8 = (text: string): Uint8Array => strToU8(text);

/** A Compound File with the given streams, written by SheetJS's bundled CFB library. */
function compoundFile(streams: string[]): Uint8Array {
  // The CFB writer is not in our typed subset of SheetJS; this test-only cast describes what we call.
  const cfb = (sheetJs as unknown as { CFB: CfbWriter }).CFB;
  const container = cfb.utils.cfb_new();
  for (const stream of streams) cfb.utils.cfb_add(container, `/${stream}`, new Uint8Array(600).fill(7));
  return new Uint8Array(cfb.write(container, { type: 'buffer' }));
}

interface CfbWriter {
  utils: { cfb_new(): object; cfb_add(container: object, path: string, content: Uint8Array): void };
  write(container: object, options: { type: 'buffer' }): Uint8Array;
}

describe('detectFormat on synthetic content', () => {
  it('rejects an empty file', async () => {
    await expectLoreError(() => detectFormat(new Uint8Array(), 'empty.docx'), 'file_empty', 'empty.docx');
  });

  it('detects PDF by its header, wherever the extension points', () => {
    expect(detectFormat(utf8('%PDF-1.7\n...'), 'scan.txt')).toBe('pdf');
    expect(detectFormat(utf8(`junk\n%PDF-1.4\n1 0 obj\n%%EOF\n`), 'x.bin')).toBe('pdf');
    expect(detectFormat(utf8('Notes about the %PDF- header in a text file.'), 'notes.txt')).toBe('text');
  });

  it('names images, archives and programs as unsupported', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const error = await expectLoreError(
      () => detectFormat(png, 'photo.pdf'),
      'unsupported_format',
      'photo.pdf',
    );
    expect(error.message).toContain('PNG image');
    await expectLoreError(
      () => detectFormat(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), 'a.gz'),
      'unsupported_format',
    );
  });

  it('rejects binary garbage', async () => {
    const garbage = new Uint8Array(4096).map((_, index) => (index * 7919) % 251);
    await expectLoreError(() => detectFormat(garbage, 'blob.dat'), 'unsupported_format', 'blob.dat');
  });

  it('sorts ZIP containers by their parts, not their names', async () => {
    const docx = zipSync({
      '[Content_Types].xml': utf8('<Types/>'),
      'word/document.xml': utf8('<w:document/>'),
    });
    expect(detectFormat(docx, 'renamed.zip')).toBe('docx');
    const odt = zipSync({
      mimetype: utf8('application/vnd.oasis.opendocument.text'),
      'content.xml': utf8('<x/>'),
    });
    expect(detectFormat(odt, 'file.bin')).toBe('odt');
    const ods = zipSync({ mimetype: utf8('application/vnd.oasis.opendocument.spreadsheet') });
    expect(detectFormat(ods, 'x')).toBe('ods');
    const epub = zipSync({ mimetype: utf8('application/epub+zip') });
    expect(detectFormat(epub, 'book.zip')).toBe('epub');
    const odp = zipSync({ mimetype: utf8('application/vnd.oasis.opendocument.presentation') });
    await expectLoreError(() => detectFormat(odp, 'talk.odp'), 'unsupported_format', 'talk.odp');
    const plain = zipSync({ 'photo.jpg': new Uint8Array(10) });
    await expectLoreError(() => detectFormat(plain, 'photos.zip'), 'unsupported_format', 'photos.zip');
    await expectLoreError(() => detectFormat(plain, 'report.docx'), 'file_corrupt', 'report.docx');
  });

  it('explains legacy Office files and encrypted OOXML in Compound Files', async () => {
    const doc = await expectLoreError(
      () => detectFormat(compoundFile(['WordDocument']), 'old.doc'),
      'unsupported_format',
      'old.doc',
    );
    expect(doc.message).toContain('save it as .docx');
    const ppt = await expectLoreError(
      () => detectFormat(compoundFile(['PowerPoint Document']), 'old.ppt'),
      'unsupported_format',
    );
    expect(ppt.message).toContain('.pptx');
    expect(detectFormat(compoundFile(['Workbook']), 'sheet.bin')).toBe('xls');
    const locked = await expectLoreError(
      () => detectFormat(compoundFile(['EncryptionInfo', 'EncryptedPackage']), 'locked.docx'),
      'file_encrypted',
      'locked.docx',
    );
    expect(locked.message).toContain('password-protected Office file');
  });

  it('detects RTF and HTML by content', () => {
    expect(detectFormat(utf8('{\\rtf1\\ansi hello}'), 'letter.txt')).toBe('rtf');
    expect(detectFormat(utf8('{\\pard hello\\par}'), 'fragment.rtf')).toBe('rtf');
    expect(detectFormat(utf8('\ufeff<!DOCTYPE html><html><body>x</body></html>'), 'page')).toBe('html');
    expect(
      detectFormat(
        utf8('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"></html>'),
        'a.xhtml',
      ),
    ).toBe('html');
    expect(detectFormat(utf8('<div><p>Hello</p></div>'), 'snippet.htm')).toBe('html');
    expect(detectFormat(utf8('<p align="center">Logo</p>\n\n# Project\n\nText.'), 'README.md')).toBe(
      'markdown',
    );
  });

  it('detects CSV, markdown and text, using the extension only to break ties', () => {
    expect(detectFormat(utf8('a,b,c\n1,2,3\n4,5,6\n'), 'data.txt')).toBe('csv');
    expect(detectFormat(utf8('x\ty\n1\t2\n3\t4\n'), 'export')).toBe('csv');
    expect(detectFormat(utf8('one line'), 'short.csv')).toBe('csv');
    expect(
      detectFormat(utf8('# Title\n\nSome *text* and a [link](http://x.y).\n\n## Part\n'), 'notes.txt'),
    ).toBe('markdown');
    expect(detectFormat(utf8('Plain words.\n\nMore, plain words.\n'), 'notes')).toBe('text');
    expect(detectFormat(utf8('Plain words.'), 'notes.md')).toBe('markdown');
    expect(detectFormat(utf8('PK is also how this text starts.'), 'pk.txt')).toBe('text');
  });

  it('decodes UTF-16 text with a byte order mark', () => {
    const text = 'Hello, UTF-16 world.\nSecond line.';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) bytes[2 + i * 2] = text.charCodeAt(i);
    expect(detectFormat(bytes, 'wide.txt')).toBe('text');
  });

  it('treats plain text with an Office extension as a broken file, except CSV exported as .xls', async () => {
    const error = await expectLoreError(
      () => detectFormat(utf8('Attachment not found!'), 'report.xls'),
      'file_corrupt',
      'report.xls',
    );
    expect(error.message).toContain('plain text');
    expect(detectFormat(utf8('a,b\n1,2\n3,4\n'), 'export.xls')).toBe('csv');
    const xml =
      '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>';
    expect(detectFormat(utf8(xml), 'old.xls')).toBe('xls');
  });

  it('has heuristics that leave prose alone', () => {
    expect(looksLikeCsv('Hello, world.\nThis is prose, with commas, everywhere.\nAnd more.\n')).toBe(false);
    expect(looksLikeMarkdown('Just a sentence.\n- maybe a dash\n')).toBe(false);
  });
});

describeWithDatasets('detectFormat on dataset files', () => {
  const cases: Array<[string, string]> = [
    ['docx/pandoc__alternate_document_path.docx', 'docx'],
    ['docx/mammoth__strict-format.docx', 'docx'],
    ['pptx/pptx__no-slides.pptx', 'pptx'],
    ['xlsx/calamine__any_sheets.xlsb', 'xlsx'],
    ['xlsx/calamine__vba.xlsm', 'xlsx'],
    ['xlsx/calamine__strict_iso_paths.xlsx', 'xlsx'],
    ['xlsx/calamine__any_sheets.xls', 'xls'],
    ['xlsx/calamine__any_sheets.ods', 'ods'],
    ['odt/pandoc__unicode.odt', 'odt'],
    ['epub/pandoc__features.epub', 'epub'],
    ['rtf/pandoc__tables.rtf', 'rtf'],
    ['html/readability/hukumusume/expected.html', 'html'],
    ['markdown/pandoc__testsuite.txt', 'markdown'],
    ['pdf/pypdf__crazyones.txt', 'text'],
    ['pdf/ocrmypdf__linn.txt', 'text'],
    ['csv/csvspec__utf8.csv', 'csv'],
    ['csv/csv_expected_json/empty.json', 'text'],
  ];
  it.each(cases)('%s → %s', (file, format) => {
    expect(detectFormat(readDocument(file), file.split('/').pop() ?? file)).toBe(format);
  });

  it('throws the precise error for the broken and protected files', async () => {
    await expectLoreError(
      () => detectFormat(readDocument('xlsx/calamine__too_small.xls'), 'too_small.xls'),
      'file_corrupt',
    );
    await expectLoreError(
      () => detectFormat(readDocument('xlsx/calamine__pass_protected.xlsx'), 'pass_protected.xlsx'),
      'file_encrypted',
      'pass_protected.xlsx',
    );
    await expectLoreError(
      () =>
        detectFormat(
          readDocument('derived_truncated/test_truncated_60pct.docx'),
          'test_truncated_60pct.docx',
        ),
      'file_truncated',
    );
  });
});
