import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import { sheetJs } from './cfb.js';
import {
  blockTexts,
  datasetInput,
  expectLoreError,
  expectWellFormed,
  inputOf,
  parseDataset,
  testLimits,
} from './parse-test-helpers.js';
import { parseSpreadsheet, spreadsheetParser } from './spreadsheet.parser.js';

const parse = (file: string) => parseDataset(spreadsheetParser, readDocument(file), file);

/** SheetJS's writer, outside our typed subset; this test-only cast describes what we call. */
interface SheetJsWriter {
  utils: {
    book_new(): object;
    aoa_to_sheet(rows: unknown[][]): object;
    book_append_sheet(book: object, sheet: object, name: string): void;
  };
  write(book: object, options: { type: 'array'; bookType: 'xlsx' }): ArrayBuffer;
}

function xlsx(sheets: Record<string, unknown[][]>): Uint8Array {
  const writer = sheetJs as unknown as SheetJsWriter;
  const book = writer.utils.book_new();
  for (const [name, rows] of Object.entries(sheets))
    writer.utils.book_append_sheet(book, writer.utils.aoa_to_sheet(rows), name);
  return new Uint8Array(writer.write(book, { type: 'array', bookType: 'xlsx' }));
}

function ods(tableXml: string): Uint8Array {
  const content =
    '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">' +
    `<office:body><office:spreadsheet>${tableXml}</office:spreadsheet></office:body></office:document-content>`;
  return zipSync({
    mimetype: strToU8('application/vnd.oasis.opendocument.spreadsheet'),
    'content.xml': strToU8(content),
    'META-INF/manifest.xml': strToU8(
      '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
    ),
  });
}

describe('spreadsheetParser on synthetic workbooks', () => {
  it('emits a heading, the header row and one block per row, each carrying the sheet', async () => {
    const bytes = xlsx({
      People: [
        ['Name', 'Age'],
        ['Ada', 36],
        ['Alan', 41],
      ],
      Blank: [],
    });
    const document = await spreadsheetParser.parse(inputOf(bytes, 'people.xlsx', 'xlsx'));
    expectWellFormed(document);
    expect(blockTexts(document)).toEqual(['People', 'Name | Age', 'Ada | 36', 'Alan | 41']);
    expect(document.blocks.map((block) => block.kind)).toEqual([
      'heading',
      'table-header',
      'table-row',
      'table-row',
    ]);
    expect(document.blocks.every((block) => block.sheet === 'People')).toBe(true);
    expect(document.pageCount).toBe(2);
    expect(document.warnings.map((warning) => warning.code)).toEqual(['sheet_empty']);
  });

  it('caps rows and warns', () => {
    const rows = Array.from({ length: 10 }, (_, index) => [`row ${index}`]);
    const document = parseSpreadsheet(inputOf(xlsx({ Data: rows }), 'long.xlsx', 'xlsx'), {
      maxRows: 3,
      maxCells: 1000,
    });
    expect(blockTexts(document, 'table-row')).toEqual(['row 1', 'row 2']);
    const warning = document.warnings.find((item) => item.code === 'rows_truncated');
    expect(warning?.message).toContain('long.xlsx: 3 rows kept, 7 dropped');
  });

  it('expands ODS repeats only for cells with text, and fast', async () => {
    const table =
      '<table:table table:name="Q1"><table:table-column table:number-columns-repeated="1024"/>' +
      '<table:table-row><table:table-cell office:value-type="string"><text:p>Item</text:p></table:table-cell>' +
      '<table:table-cell table:number-columns-repeated="3"/><table:table-cell><text:p>Total</text:p></table:table-cell>' +
      '<table:table-cell table:number-columns-repeated="1019"/></table:table-row>' +
      '<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2"><text:p>x<text:s text:c="2"/>y</text:p></table:table-cell>' +
      '<table:table-cell table:number-columns-repeated="16000"/></table:table-row>' +
      '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>' +
      '</table:table>';
    const started = Date.now();
    const document = await spreadsheetParser.parse(inputOf(ods(table), 'q1.ods', 'ods'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(blockTexts(document)).toEqual(['Q1', 'Item | | | | Total', 'x y | x y', 'x y | x y', 'x y | x y']);
  });

  it('refuses an ODS repeat bomb', async () => {
    const table =
      '<table:table table:name="S"><table:table-row table:number-rows-repeated="999999999">' +
      '<table:table-cell><text:p>X</text:p></table:table-cell></table:table-row></table:table>';
    const error = await expectLoreError(
      spreadsheetParser.parse(inputOf(ods(table), 'dos.ods', 'ods')),
      'file_too_large',
      'dos.ods',
    );
    expect(error.message).toContain('decompression bomb');
  });

  it('rejects text that is not a spreadsheet', async () => {
    await expectLoreError(
      spreadsheetParser.parse(inputOf(strToU8('hello'), 'x.xls', 'xls')),
      'file_corrupt',
      'x.xls',
    );
  });
});

describeWithDatasets('spreadsheetParser on dataset files', () => {
  it('shows dates as formatted in the workbook', async () => {
    const document = await parse('xlsx/calamine__date.xlsx');
    expect(blockTexts(document, 'table-header')).toEqual(['2021-01-01 | 15']);
    expect(blockTexts(document, 'table-row')).toEqual(['2021-01-02 | 16', '255:10:10 | 17']);
  });

  it('reads the same workbook alike from XLS, XLSB and ODS', async () => {
    for (const file of [
      'xlsx/calamine__any_sheets.xls',
      'xlsx/calamine__any_sheets.xlsb',
      'xlsx/calamine__any_sheets.ods',
    ]) {
      const document = await parse(file);
      expect(blockTexts(document).slice(0, 3), file).toEqual(['Visible', '1 | 2', '3 | 4']);
      expect(document.pageCount, file).toBe(4);
      expect(
        document.warnings.some((warning) => warning.code === 'sheet_empty'),
        file,
      ).toBe(true);
    }
  });

  it('counts sheets against maxPages', async () => {
    const input = datasetInput(readDocument('xlsx/calamine__pivots.xlsx'), 'pivots.xlsx', undefined, {
      ...testLimits,
      maxPages: 2,
    });
    await expectLoreError(spreadsheetParser.parse(input), 'too_many_pages', 'pivots.xlsx');
  });

  it('reports password protection', async () => {
    for (const [file, format] of [
      ['xlsx/calamine__pass_protected.xlsx', 'xlsx'],
      ['xlsx/calamine__pass_protected.ods', 'ods'],
    ] as const) {
      const error = await expectLoreError(
        spreadsheetParser.parse(inputOf(readDocument(file), 'locked', format)),
        'file_encrypted',
        'locked',
      );
      expect(error.message).toMatch(/password[- ]protected/);
    }
  });

  it('reads the hostile XLS within bounds', async () => {
    const started = Date.now();
    const document = await parse('xlsx/calamine__OOM_alloc.xls');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(document.pageCount).toBe(10);
  });
});
