import type { ParseWarning } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import type { SourceCell } from '../../core/tables/cell-values.js';
import type { MergedRange } from '../../core/tables/table-extract.js';
import { assertOdfNotEncrypted, odfInlineText, readOdfContent } from './odf.js';
import { rowsTruncatedWarning, type SheetBudget, type SheetData } from './sheet-blocks.js';
import { childElements, findAll, findFirst, type XmlElement } from './xml-tree.js';
import type { SafeZip } from './zip.js';

/** No spreadsheet application goes past these; larger repeat counts are a hostile file. */
const maxColumns = 16_384;
const maxRowsInSheet = 1_048_576;

/**
 * Reads an ODS workbook from content.xml. Repeated rows and cells (`number-rows-repeated`,
 * `number-columns-repeated`) are expanded only when they hold text, within `budget`; absurd repeat
 * counts of non-empty cells are refused as a likely decompression bomb.
 */
export function readOdsSheets(
  zip: SafeZip,
  budget: SheetBudget,
  maxSheets: number,
  warnings: ParseWarning[],
): SheetData[] {
  assertOdfNotEncrypted(zip);
  const content = readOdfContent(zip, 'spreadsheet');
  const spreadsheet = findFirst(content, 'spreadsheet');
  if (!spreadsheet)
    throw new LoreError('file_corrupt', `${zip.fileName}: not a valid OpenDocument spreadsheet.`);
  const tables = findAll(spreadsheet, 'table');
  if (tables.length > maxSheets) {
    throw new LoreError(
      'too_many_pages',
      `${zip.fileName} has ${tables.length} sheets, more than the limit of ${maxSheets}.`,
    );
  }
  const state = { rows: 0, cells: 0, truncated: false };
  const sheets: SheetData[] = [];
  for (const [index, table] of tables.entries()) {
    const name = table.attrs['table:name'] ?? `Sheet${index + 1}`;
    const rows: string[][] = [];
    const rowNumbers: number[] = [];
    const typed: (SourceCell | undefined)[][] = [];
    const merges: MergedRange[] = [];
    let rowNumber = 0;
    for (const row of tableRows(table)) {
      if (state.truncated) break;
      const { texts: cells, typed: typedCells, spans } = rowCells(row, zip.fileName, name);
      const repeat = Number(row.attrs['table:number-rows-repeated'] ?? 1) || 1;
      if (cells.length === 0) {
        rowNumber += Math.min(repeat, maxRowsInSheet);
        continue;
      }
      if (repeat > maxRowsInSheet)
        throw bomb(zip.fileName, name, `${repeat.toLocaleString('en')} repeated rows`);
      for (const span of spans) {
        if (merges.length < 10_000)
          merges.push({ ...span, firstRow: rowNumber + 1, lastRow: rowNumber + span.rows });
      }
      for (let copy = 0; copy < repeat; copy++) {
        if (state.rows >= budget.maxRows || state.cells + cells.length > budget.maxCells) {
          state.truncated = true;
          break;
        }
        rowNumber++;
        rows.push(cells);
        rowNumbers.push(rowNumber);
        typed.push(typedCells);
        state.rows++;
        state.cells += cells.length;
      }
    }
    sheets.push({ name, rows, rowNumbers, cells: typed, merges });
  }
  if (state.truncated) warnings.push(rowsTruncatedWarning(zip.fileName, budget, { kept: state.rows }));
  return sheets;
}

/** `table:table-row` elements, through header-rows, row groups and `table:table-rows`. */
function tableRows(table: XmlElement): XmlElement[] {
  const rows: XmlElement[] = [];
  for (const child of childElements(table)) {
    if (child.name === 'table-row') rows.push(child);
    else if (
      child.name === 'table-header-rows' ||
      child.name === 'table-rows' ||
      child.name === 'table-row-group'
    ) {
      rows.push(...tableRows(child));
    }
  }
  return rows;
}

interface OdsRow {
  texts: string[];
  typed: (SourceCell | undefined)[];
  /** Cells spanning several columns or rows (`table:number-columns-spanned`). */
  spans: { firstColumn: number; lastColumn: number; rows: number }[];
}

/** Displayed text (and typed value) of the row's cells up to the last non-empty one; none for an empty row. */
function rowCells(row: XmlElement, fileName: string, sheet: string): OdsRow {
  const cells: string[] = [];
  const typed: (SourceCell | undefined)[] = [];
  const spans: OdsRow['spans'] = [];
  let column = 0;
  let lastText = -1;
  for (const cell of childElements(row)) {
    if (cell.name !== 'table-cell' && cell.name !== 'covered-table-cell') continue;
    const repeat = Number(cell.attrs['table:number-columns-repeated'] ?? 1) || 1;
    const text = childElements(cell, 'p')
      .map((paragraph) => odfInlineText(paragraph))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (text.length === 0) {
      column += repeat;
      continue;
    }
    if (column + repeat > maxColumns)
      throw bomb(fileName, sheet, `${repeat.toLocaleString('en')} repeated cells in one row`);
    while (cells.length < column) cells.push('');
    const value = odsCell(cell, text);
    const across = Number(cell.attrs['table:number-columns-spanned'] ?? 1) || 1;
    const down = Number(cell.attrs['table:number-rows-spanned'] ?? 1) || 1;
    if (across > 1 || down > 1)
      spans.push({
        firstColumn: column,
        lastColumn: column + Math.min(across, maxColumns) - 1,
        rows: Math.min(down, maxRowsInSheet),
      });
    for (let copy = 0; copy < repeat; copy++) {
      typed[cells.length] = value;
      cells.push(text);
    }
    column += repeat;
    lastText = cells.length - 1;
  }
  return { texts: cells.slice(0, lastText + 1), typed: typed.slice(0, lastText + 1), spans };
}

/** The typed value ODF stores beside the displayed text (`office:value-type` and its value attribute). */
function odsCell(cell: XmlElement, text: string): SourceCell {
  const type = cell.attrs['office:value-type'];
  const number = Number(cell.attrs['office:value']);
  switch (type) {
    case 'float':
      return Number.isFinite(number) ? { text, kind: 'number', value: number } : { text };
    case 'percentage':
      return Number.isFinite(number) ? { text, kind: 'percentage', value: number } : { text };
    case 'currency': {
      const unit = cell.attrs['office:currency'];
      return Number.isFinite(number)
        ? { text, kind: 'currency', value: number, ...(unit ? { unit: unit.toUpperCase() } : {}) }
        : { text };
    }
    case 'date': {
      const value = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2})?/.exec(cell.attrs['office:date-value'] ?? '');
      if (!value) return { text };
      return value[2] && value[2] !== 'T00:00:00'
        ? { text, kind: 'datetime', value: `${value[1]}${value[2]}` }
        : { text, kind: 'date', value: value[1]! };
    }
    case 'boolean':
      return { text, kind: 'boolean', value: cell.attrs['office:boolean-value'] === 'true' };
    case 'time':
      return { text, kind: 'text' };
    default:
      return { text };
  }
}

function bomb(fileName: string, sheet: string, what: string): LoreError {
  return new LoreError(
    'file_too_large',
    `${fileName}: sheet "${sheet}" declares ${what}; refusing to expand it (likely a decompression bomb).`,
  );
}
