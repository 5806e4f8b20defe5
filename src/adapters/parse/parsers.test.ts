import { expect, it } from 'vitest';
import { describeWithDatasets, readDocument, readManifest } from '../../../test/fixtures/datasets.js';
import type { DocumentFormat } from '../../core/document.js';
import { type ErrorCode, LoreError } from '../../core/errors.js';
import { detectFormat } from './detect-format.js';
import { expectWellFormed, testLimits } from './parse-test-helpers.js';
import { loadParser } from './parsers.js';

type Expectation =
  /** Parses, and the text contains each string (verified by reading the file). */
  | { format: DocumentFormat; contains: string[]; absent?: string[] }
  /** Parses to no text, with a `no_text` warning: the file really holds no text. */
  | { format: DocumentFormat; noText: string }
  /** Detection or parsing throws this LoreError. */
  | { error: ErrorCode };

const text = (...contains: string[]): Expectation => ({ format: 'text', contains });

/**
 * Outcome for every non-PDF row of MANIFEST.csv. Rows whose outcome differs from the manifest's
 * status say why in a `// status:` comment.
 */
const expectations: Record<string, Expectation> = {
  'csv/csvspec__empty.csv': { format: 'csv', contains: ['a | b | c', '2 | 3 | 4'] },
  'csv/csvspec__json.csv': {
    format: 'csv',
    contains: ['1 | {"type": "Point", "coordinates": [102.0, 0.5]}'],
  },
  'csv/csvspec__newlines_crlf.csv': { format: 'csv', contains: ['Once upon a time | 5 | 6', '7 | 8 | 9'] },
  'csv/csvspec__simple_crlf.csv': { format: 'csv', contains: ['a | b | c', '1 | 2 | 3'] },
  'csv/csvspec__utf8.csv': { format: 'csv', contains: ['4 | 5 | ʤ'] },
  'csv/csvspec__comma_in_quotes.csv': {
    format: 'csv',
    contains: ['John | Doe | 120 any st. | Anytown, WW | 08123'],
  },
  'docx/pandoc__alternate_document_path.docx': {
    format: 'docx',
    contains: ['Test', 'bold italic underlined'],
  },
  'docx/pandoc__ns0-reference.docx': { format: 'docx', contains: ['ref'] },
  'docx/mammoth__strict-format.docx': { format: 'docx', contains: ['Test'] },
  // status edge-case: the package really has no text (one empty paragraph).
  'docx/docx__sty-having-no-styles-part.docx': { format: 'docx', noText: 'empty paragraph only' },
  'derived_truncated/test_truncated_60pct.docx': { error: 'file_truncated' },
  'docx/pandoc__diagram.docx': { format: 'docx', contains: ['Diagram after:', 'top\nmiddle\nbottom'] },
  // status ok, but its three tables have only empty cells.
  'docx/docx__tbl-having-tables.docx': { format: 'docx', noText: 'tables with empty cells' },
  'docx/mammoth__endnotes.docx': {
    format: 'docx',
    contains: ['Ouch', 'A tachyon walks into a bar.', 'Fin.'],
  },
  'docx/pandoc__track_changes_insertion.docx': {
    format: 'docx',
    contains: ['This is a text with two exciting insertions.'],
  },
  'docx/pandoc__text_in_shape_format.docx': {
    format: 'docx',
    contains: ['Valter Kiisk', 'Institute of Physics'],
  },
  'docx/pandoc__track_changes_deletion.docx': {
    format: 'docx',
    contains: ['This is a text with a deletion.'],
    absent: ['excessively modified'],
  },
  'docx/pandoc__tables.docx': {
    format: 'docx',
    contains: ['Name | Game | Fame | Blame', 'Lebron James | Basketball'],
  },
  'docx/pandoc__table_header_rowspan.docx': {
    format: 'docx',
    contains: ['A | B | C | D | E | F', '1 | 2 | 3 | 4 | 5 | 6 | 7 | 8'],
  },
  'epub/pandoc__epub2_no_cover.epub': { format: 'epub', contains: ['Pandoc EPUB2 Test'] },
  'epub/pandoc__wasteland.epub': { format: 'epub', contains: ['April is the cruellest month, breeding'] },
  'epub/pandoc__features.epub': {
    format: 'epub',
    contains: ['Reflowable EPUB 3 Conformance Test Document: 0100'],
  },
  'html/readability/hukumusume/expected.html': {
    format: 'html',
    contains: ['肉をくわえたイヌが、橋を渡っていました。'],
  },
  'html/readability/nytimes-1/expected.html': {
    format: 'html',
    contains: ['the American government plans to reverse its position on Sudan'],
  },
  'html/readability/wikipedia/source.html': {
    format: 'html',
    contains: ['Mozilla is a free-software community, created in 1998'],
  },
  'html/readability/google-sre-book-1/source.html': {
    format: 'html',
    contains: ['Monitoring Distributed Systems', 'Definitions'],
  },
  'html/readability/google-sre-book-1/expected.html': {
    format: 'html',
    contains: ['Monitoring Distributed Systems'],
  },
  'html/readability/rtl-1/source.html': { format: 'html', contains: ['Lorem ipsum dolor sit amet.'] },
  'html/readability/bbc-1/expected.html': { format: 'html', contains: ['common sense gun safety laws'] },
  'html/readability/keep-tabular-data/expected.html': {
    format: 'html',
    contains: ['This week was the time to close and finish'],
  },
  // Ground-truth JSON files are not documents of their own; as uploads they are plain text.
  'html/readability/rtl-1/expected-metadata.json': text('"title": "RTL Test"'),
  'csv/csv_expected_json/comma_in_quotes.json': text('"city": "Anytown, WW"'),
  'csv/csv_expected_json/newlines_crlf.json': text('"a": "Once upon \\r\\na time"'),
  'html/readability/keep-tabular-data/expected-metadata.json': text('"siteName": "Factorio.com"'),
  'html/readability/hukumusume/expected-metadata.json': text('欲張りなイヌ'),
  'csv/csv_expected_json/empty.json': text('{ "a": "2", "b": "3", "c": "4" }'),
  'html/readability/nytimes-1/expected-metadata.json': text('"byline": "Jeffrey Gettleman"'),
  'html/readability/google-sre-book-1/expected-metadata.json': text(
    '"title": "Google - Site Reliability Engineering"',
  ),
  'csv/csv_expected_json/json.json': text('"key": "1"'),
  'csv/csv_expected_json/escaped_quotes.json': text('"b": "ha \\"ha\\" ha"'),
  'xlsx/calamine__pass_protected.ods': { error: 'file_encrypted' },
  'xlsx/calamine__issue_594_dos.ods': { error: 'file_too_large' },
  'xlsx/calamine__any_sheets.ods': {
    format: 'ods',
    contains: ['This workbook contains 4 sheets: Visible, Hidden, VeryHidden and Chart'],
  },
  // status accidentally-broken: the ZIP is one byte short, so its directory points past the end.
  'odt/ocrmypdf__tagged.odt': { error: 'file_truncated' },
  'odt/pandoc__unicode.odt': { format: 'odt', contains: ['“”’çӨ©¼вбФШöÉµ'] },
  'odt/pandoc__trackedChanges.odt': {
    format: 'odt',
    contains: ['Some text with and inserted text.'],
    absent: ['deleted'],
  },
  'odt/pandoc__tableWithSpans.odt': {
    format: 'odt',
    contains: ['H1 Rowspan 2 | H1-2 | H1-3', 'B1-1 | B1-2 | Rowspan 3'],
  },
  'pptx/pptx__no-slides.pptx': { format: 'pptx', noText: 'zero slides' },
  // status intentional-broken: only slideLayout11's .rels is missing; the brief asks for graceful degradation.
  'pptx/pptx__missing_rels_item.pptx': {
    format: 'pptx',
    contains: ['Presentation Title Text', 'Subtitle Text'],
  },
  'derived_truncated/test_truncated_50pct.pptx': { error: 'file_truncated' },
  'pptx/pptx__tbl-cell.pptx': { format: 'pptx', contains: ['a | b | c', 'unladen swallows', 'merged cell'] },
  // status ok, but the slide holds only empty shapes (no text runs at all).
  'pptx/pptx__shp-groupshape.pptx': { format: 'pptx', noText: 'empty shapes' },
  'pptx/pptx__test.pptx': { format: 'pptx', contains: ['Presentation Title Text', 'Subtitle Text'] },
  'pptx/pptx__cht-charts.pptx': {
    format: 'pptx',
    contains: ['Category | Series 1 | Series 2 | Series 3', 'Category 1 | 4.3 | 2.4 | 2.0'],
  },
  // status intentional-broken: best-effort text is the allowed outcome for malformed RTF.
  'rtf/pandoc__table_nested_malformed_itap.rtf': { format: 'rtf', contains: ['Parent before', 'Outer cell'] },
  'rtf/pandoc__unicode.rtf': { format: 'rtf', contains: ['“hi”‘hi’', 'αä'] },
  'rtf/pandoc__tables.rtf': {
    format: 'rtf',
    contains: ['Right | Left | Center | Default', 'Demonstration of simple table syntax.'],
  },
  'markdown/pandoc__testsuite.txt': {
    format: 'markdown',
    contains: ['Level 2 with an [embedded link](/url)'],
  },
  'pdf/ocrmypdf__linn.txt': text('The LinnSequencer is a state—of—the-art composition and performance tool'),
  'pdf/pypdf__crazyones.txt': text('The round pegs in the square holes.'),
  'xlsx/calamine__too_small.xls': { error: 'file_corrupt' },
  // status intentional-hostile: it attacks calamine's allocator; SheetJS reads it in ~150 ms and little memory.
  'xlsx/calamine__OOM_alloc.xls': {
    format: 'xls',
    contains: ['Weekly Report', 'Principal Projects / Deals:'],
  },
  'xlsx/calamine__any_sheets.xls': { format: 'xls', contains: ['This workbook contains 4 sheets'] },
  // status intentional-broken: it crashed calamine, but it is a structurally valid workbook with one empty sheet.
  'xlsx/calamine__issue_666_panic.xlsb': { format: 'xlsx', noText: 'one empty sheet' },
  'xlsx/calamine__any_sheets.xlsb': { format: 'xlsx', contains: ['This workbook contains 4 sheets'] },
  // status edge-case: three empty sheets and a VBA project.
  'xlsx/calamine__vba.xlsm': { format: 'xlsx', noText: 'empty sheets, macros only' },
  'xlsx/calamine__strict_iso_paths.xlsx': {
    format: 'xlsx',
    contains: ['Item | Thickness | Number Off Bends'],
  },
  'xlsx/calamine__pass_protected.xlsx': { error: 'file_encrypted' },
  'xlsx/calamine__date.xlsx': { format: 'xlsx', contains: ['2021-01-01 | 15', '255:10:10 | 17'] },
  'xlsx/calamine__pivots.xlsx': { format: 'xlsx', contains: ['Grand Total', 'Id | Name | Category | Value'] },
  'xlsx/calamine__table-multiple.xlsx': { format: 'xlsx', contains: ['2 | Banana | 200', 'Item | Price'] },
};

const nonPdfRows = readManifestSafe().filter((row) => row.format !== 'pdf');

function readManifestSafe(): ReturnType<typeof readManifest> {
  try {
    return readManifest();
  } catch {
    return []; // datasets absent: describeWithDatasets skips the suite
  }
}

describeWithDatasets('every non-PDF manifest row: detect + parse outcome', () => {
  it('has an expectation for every non-PDF row', () => {
    expect(nonPdfRows.length).toBeGreaterThan(60);
    expect(nonPdfRows.map((row) => row.file).filter((file) => !(file in expectations))).toEqual([]);
  });

  it.each(nonPdfRows.map((row) => [row.file, row.status] as const))('%s (%s)', async (file) => {
    const expectation = expectations[file];
    if (!expectation) return;
    const bytes = readDocument(file);
    const fileName = file.split('/').pop() ?? file;
    const outcome = await detectAndParse(bytes, fileName);
    if ('error' in expectation) {
      expect(outcome instanceof LoreError || LoreError.is(outcome), `expected ${expectation.error}`).toBe(
        true,
      );
      const error = outcome as LoreError;
      expect(error.code, error.message).toBe(expectation.error);
      expect(error.message).toContain(fileName);
      return;
    }
    if (LoreError.is(outcome)) throw new Error(`${file}: unexpected ${outcome.code}: ${outcome.message}`);
    const document = outcome as Exclude<typeof outcome, LoreError>;
    expectWellFormed(document);
    expect(document.format).toBe(expectation.format);
    expect(document.title?.length ?? 0).toBeGreaterThan(0);
    if ('noText' in expectation) {
      expect(document.text).toBe('');
      expect(document.warnings.map((warning) => warning.code)).toContain('no_text');
      return;
    }
    for (const fragment of expectation.contains) expect(document.text).toContain(fragment);
    for (const fragment of expectation.absent ?? []) expect(document.text).not.toContain(fragment);
  });
});

async function detectAndParse(bytes: Uint8Array, fileName: string) {
  try {
    const format = detectFormat(bytes, fileName);
    if (format === 'pdf') throw new Error(`${fileName} detected as PDF`);
    return await (await loadParser(format)).parse({ bytes, fileName, format, limits: testLimits });
  } catch (error) {
    if (LoreError.is(error)) return error;
    throw error;
  }
}
