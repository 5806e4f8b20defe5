import type { DocumentFormat, ParsedDocument, ParseWarning } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import type { MergedRange } from '../../core/tables/table-extract.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { classifyCfb, explainCfb, isCfb, type SheetJsCell, sheetJs } from './cfb.js';
import { baseName, decodeText } from './decode-text.js';
import { readOdfTitle } from './odf.js';
import { readOdsSheets } from './ods-sheets.js';
import { readCoreTitle } from './ooxml.js';
import {
  appendSheetBlocks,
  rowsTruncatedWarning,
  type SheetBudget,
  type SheetData,
  sheetBudget,
} from './sheet-blocks.js';
import { sheetCell } from './sheet-cells.js';
import { defaultTableMaxCells, sheetTables, withTableVersion } from './sheet-tables.js';
import { TextBuilder } from './text-builder.js';
import { SafeZip } from './zip.js';

const version = withTableVersion('spreadsheet@1');

/** Parts SheetJS does not need for cell text: media, embedded files, macros, printer settings. */
const unneededPart = /(^|\/)(media|embeddings|printerSettings)\/|vbaProject\.bin$|^docProps\/thumbnail/i;

interface Workbook {
  sheets: SheetData[];
  title?: string;
}

/**
 * XLSX/XLSM/XLSB and XLS through SheetJS, ODS through its own content.xml reader. Per sheet: a
 * heading naming it, the header row, then one row block per row of formatted cell text (dates and
 * numbers as displayed). Empty sheets are skipped with a warning; rows are capped. Each sheet's
 * tables are also kept as typed rows (native number, date and boolean cells; merged cells).
 */
export const spreadsheetParser: Parser = {
  formats: ['xlsx', 'xls', 'ods'],
  version,
  async parse(input: ParseInput): Promise<ParsedDocument> {
    return parseSpreadsheet(input, sheetBudget(input.limits));
  },
};

/** Parses with an explicit budget (tests use a small one). */
export function parseSpreadsheet(input: ParseInput, budget: SheetBudget): ParsedDocument {
  const warnings: ParseWarning[] = [];
  const workbook = readWorkbook(input, budget, warnings);
  const builder = new TextBuilder();
  let nonEmpty = 0;
  for (const sheet of workbook.sheets) {
    if (appendSheetBlocks(builder, sheet, input.fileName, warnings)) nonEmpty++;
  }
  const { text, blocks } = builder.build();
  const tables = sheetTables(
    workbook.sheets,
    { fileName: input.fileName, maxCells: input.limits.maxTableCells ?? defaultTableMaxCells },
    warnings,
  );
  if (nonEmpty === 0)
    warnings.push({ code: 'no_text', message: `${input.fileName}: the workbook contains no cell text.` });
  const format: DocumentFormat = input.format === 'ods' || input.format === 'xls' ? input.format : 'xlsx';
  return {
    format,
    title: workbook.title ?? baseName(input.fileName),
    text,
    blocks,
    pageCount: workbook.sheets.length,
    warnings,
    parserVersion: version,
    tables,
  };
}

function readWorkbook(input: ParseInput, budget: SheetBudget, warnings: ParseWarning[]): Workbook {
  const { bytes, fileName } = input;
  if (isCfb(bytes)) {
    const kind = classifyCfb(bytes, fileName);
    if (kind !== 'xls') throw explainCfb(kind, fileName);
    return readWithSheetJs(bytes, input, budget, warnings);
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const zip = SafeZip.open(bytes, fileName);
    if (zip.has('content.xml') && (zip.has('mimetype') || input.format === 'ods')) {
      const sheets = readOdsSheets(zip, budget, input.limits.maxPages, warnings);
      const title = readOdfTitle(zip);
      return { sheets, ...(title ? { title } : {}) };
    }
    const title = readCoreTitle(zip);
    // Worksheets longer than the row budget are cut before SheetJS sees them (it would still
    // decode and scan the whole XML): a 200k-row sheet is read as its first budget's worth of rows.
    const cut = cutWorksheets(zip, budget.maxRows + 1);
    const workbook = readWithSheetJs(
      zip.repack((name) => !unneededPart.test(name), cut.parts),
      input,
      budget,
      warnings,
      () => cut.rows,
    );
    return { sheets: workbook.sheets, ...(title ? { title } : {}) };
  }
  const head = decodeText(bytes.subarray(0, 4096)).text;
  if (/^\s*<\?xml[^>]*>/.test(head) && head.includes('urn:schemas-microsoft-com:office:spreadsheet')) {
    return readWithSheetJs(bytes, input, budget, warnings); // Excel 2003 XML spreadsheet
  }
  throw new LoreError(
    'file_corrupt',
    `${fileName} is not a valid spreadsheet: it is neither an Excel nor an OpenDocument file.`,
  );
}

function readWithSheetJs(
  data: Uint8Array,
  input: ParseInput,
  budget: SheetBudget,
  warnings: ParseWarning[],
  /** Rows the file holds in all, counted only when the budget cut it (XLSX: its `<row>` elements). */
  countRows?: () => number,
): Workbook {
  let workbook: ReturnType<typeof sheetJs.read>;
  try {
    workbook = sheetJs.read(data, {
      type: 'array',
      dense: true,
      sheetRows: budget.maxRows + 1,
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
      cellNF: true,
      cellDates: false,
      bookVBA: false,
      sheetStubs: false,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/password/i.test(reason)) {
      throw new LoreError(
        'file_encrypted',
        `${input.fileName} is password protected. Remove the password in Excel and upload it again.`,
        {
          cause: error,
        },
      );
    }
    throw new LoreError(
      'file_corrupt',
      `${input.fileName}: the spreadsheet is damaged and cannot be read (${reason.slice(0, 200)}).`,
      {
        cause: error,
      },
    );
  }
  if (workbook.SheetNames.length > input.limits.maxPages) {
    throw new LoreError(
      'too_many_pages',
      `${input.fileName} has ${workbook.SheetNames.length} sheets, more than the limit of ${input.limits.maxPages}.`,
    );
  }
  let rowsLeft = budget.maxRows;
  let cellsLeft = budget.maxCells;
  let truncated = false;
  let kept = 0;
  // Rows of the declared sheet ranges that were not read (SheetJS stops at `sheetRows`).
  let dropped = 0;
  const date1904 = workbook.Workbook?.WBProps?.date1904 === true;
  const sheets: SheetData[] = [];
  for (const name of workbook.SheetNames) {
    const sheet = workbook.Sheets[name];
    const rows: string[][] = [];
    const rowNumbers: number[] = [];
    const typed: SheetData['cells'] = [];
    // Dense mode: the sheet is an array of rows, each a sparse array of cells.
    const denseRows = Array.isArray(sheet)
      ? (sheet as Array<Array<SheetJsCell | undefined> | undefined>)
      : [];
    const declaredRows = lastRowOf(sheet?.['!fullref'] ?? sheet?.['!ref']);
    if (sheet?.['!fullref'] !== undefined && sheet['!fullref'] !== sheet['!ref']) truncated = true;
    let lastKept = 0;
    for (const [index, row] of denseRows.entries()) {
      if (!row) continue;
      const cells: string[] = [];
      const typedCells: NonNullable<SheetData['cells']>[number] = [];
      row.forEach((cell, column) => {
        const text = cell ? cellText(cell) : '';
        if (text.length === 0) return;
        while (cells.length < column) cells.push('');
        cells.push(text);
        typedCells[column] = sheetCell(cell!, text, date1904);
      });
      if (cells.length === 0) continue;
      if (rowsLeft <= 0 || cellsLeft < cells.length) {
        truncated = true;
        break;
      }
      rows.push(cells);
      rowNumbers.push(index + 1);
      typed.push(typedCells);
      rowsLeft--;
      cellsLeft -= cells.length;
      lastKept = index + 1;
    }
    kept += rows.length;
    dropped += Math.max(0, declaredRows - lastKept);
    sheets.push({ name, rows, rowNumbers, cells: typed, merges: mergesOf(sheet) });
  }
  if (truncated) {
    const total = countRows?.();
    warnings.push(
      rowsTruncatedWarning(
        input.fileName,
        budget,
        total !== undefined && total >= kept
          ? { kept, dropped: total - kept }
          : { kept, dropped, approximate: true },
      ),
    );
  }
  const title = workbook.Props?.Title?.trim();
  return { sheets, ...(title ? { title } : {}) };
}

const worksheetPart = /^xl\/worksheets\/[^/]+\.xml$/i;
const rowEnd = Buffer.from('</row>');
const sheetDataEnd = Buffer.from('</sheetData>');

/**
 * Reads every worksheet of an XLSX zip once: counts its `<row>` elements (for the warning) and,
 * when it holds more than `keepRows` rows, cuts its XML after the `keepRows`-th `</row>`, keeping
 * what follows `</sheetData>` (merged cells, etc.). Unprefixed markup only; others are left whole
 * (SheetJS's `sheetRows` still stops them).
 */
function cutWorksheets(zip: SafeZip, keepRows: number): { parts: Record<string, Uint8Array>; rows: number } {
  const parts: Record<string, Uint8Array> = {};
  let rows = 0;
  for (const name of zip.names()) {
    if (!worksheetPart.test(name)) continue;
    const xml = zip.read(name);
    const buffer = Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
    rows += countRows(buffer);
    let at = -1;
    for (let seen = 0; seen < keepRows; seen++) {
      at = buffer.indexOf(rowEnd, at + 1);
      if (at === -1) break;
    }
    if (at === -1) continue;
    const cutAt = at + rowEnd.length;
    const tail = buffer.lastIndexOf(sheetDataEnd);
    if (tail < cutAt) continue;
    parts[name] = Buffer.concat([buffer.subarray(0, cutAt), buffer.subarray(tail)]);
  }
  return { parts, rows };
}

const rowStart = Buffer.from('<row');

/**
 * The `<row>` elements of one worksheet's XML (`<row ` or `<row>`; a namespace-prefixed sheet
 * counts 0 and the warning falls back to the declared range).
 */
function countRows(buffer: Buffer): number {
  let rows = 0;
  for (let at = buffer.indexOf(rowStart); at !== -1; at = buffer.indexOf(rowStart, at + rowStart.length)) {
    const next = buffer[at + rowStart.length];
    if (next === 0x20 || next === 0x3e || next === 0x2f || next === 0x09 || next === 0x0a || next === 0x0d)
      rows++;
  }
  return rows;
}

/** Last row (1-based) of an A1 range such as `A1:D200001`; 0 when there is none. */
function lastRowOf(range: unknown): number {
  if (typeof range !== 'string') return 0;
  try {
    return sheetJs.utils.decode_range(range).e.r + 1;
  } catch {
    return 0;
  }
}

/** Merged ranges of a SheetJS sheet, rows 1-based. */
function mergesOf(sheet: Record<string, unknown> | undefined): MergedRange[] {
  const merges = sheet?.['!merges'];
  if (!Array.isArray(merges)) return [];
  return (merges as { s: { r: number; c: number }; e: { r: number; c: number } }[])
    .slice(0, 10_000)
    .map((range) => ({
      firstRow: range.s.r + 1,
      lastRow: range.e.r + 1,
      firstColumn: range.s.c,
      lastColumn: range.e.c,
    }));
}

function cellText(cell: SheetJsCell): string {
  if (cell.w !== undefined) return cell.w.trim();
  if (cell.v === undefined || cell.v === null) return '';
  try {
    return sheetJs.utils.format_cell(cell).trim();
  } catch {
    return String(cell.v);
  }
}
