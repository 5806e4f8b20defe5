import type { ParsedCell, SourceCell } from './cell-values.js';
import { readSourceCell, typeColumn } from './column-types.js';
import type { ExtractedTable, TableRow } from './table.records.js';

/** One non-empty row of a sheet as a parser read it. */
export interface SourceRow {
  /** Row number in the sheet, 1-based. */
  n: number;
  /** Cells by 0-based column (holes are empty cells). */
  cells: (SourceCell | undefined)[];
  /** Span of the row's block in the document text. */
  span?: [number, number];
}

/** A merged range, rows 1-based as in `SourceRow.n`, columns 0-based. */
export interface MergedRange {
  firstRow: number;
  lastRow: number;
  firstColumn: number;
  lastColumn: number;
}

export interface SourceSheet {
  name: string;
  rows: SourceRow[];
  merges?: MergedRange[];
  /** Keep the whole sheet as one table below its header (CSV: empty lines are not boundaries). */
  singleRegion?: boolean;
}

/** Shared bound on typed cells for one document; `truncated` is set when it ran out. */
export interface TableBudget {
  cellsLeft: number;
  truncated: boolean;
}

/** Rows examined for titles and the header at the top of a region. */
const headerSearchRows = 10;
/** Columns one table may have; wider sheets keep their first columns. */
export const maxTableColumns = 512;

const totalLabel = /^(grand\s+)?(sub)?totals?\b|^sum\b|^overall\b/i;

/**
 * Finds the tables of a sheet: regions separated by empty rows (or by a repeated header row), a
 * header row below any title rows (two header rows when the first groups the second, e.g. merged
 * "Q1" over "Revenue | Cost"), typed columns, and the data rows with their sheet row numbers.
 * Merged cells holding text are copied into every cell they cover. Spends `budget`.
 */
export function extractSheetTables(sheet: SourceSheet, budget: TableBudget): ExtractedTable[] {
  const rows = applyMerges(sheet.rows, sheet.merges ?? []);
  const tables: ExtractedTable[] = [];
  for (const region of sheet.singleRegion ? [rows] : splitRegions(rows)) {
    for (const table of tablesOfRegion(sheet.name, region, budget)) tables.push(table);
  }
  return tables;
}

interface ReadRow {
  source: SourceRow;
  cells: ParsedCell[];
  texts: string[];
}

function applyMerges(rows: SourceRow[], merges: MergedRange[]): SourceRow[] {
  if (merges.length === 0) return rows;
  const byNumber = new Map(rows.map((row) => [row.n, { ...row, cells: [...row.cells] }]));
  for (const range of merges) {
    const anchor = byNumber.get(range.firstRow)?.cells[range.firstColumn];
    if (!anchor || anchor.text.trim() === '') continue;
    if (readSourceCell(anchor).kind !== 'text') continue; // a merged number counts once
    for (let r = range.firstRow; r <= range.lastRow; r++) {
      const row = byNumber.get(r);
      if (!row) continue;
      for (let c = range.firstColumn; c <= Math.min(range.lastColumn, maxTableColumns - 1); c++) {
        if (!row.cells[c] || row.cells[c]!.text.trim() === '')
          row.cells[c] = { text: anchor.text, kind: 'text' };
      }
    }
  }
  return [...byNumber.values()].sort((a, b) => a.n - b.n);
}

function splitRegions(rows: SourceRow[]): SourceRow[][] {
  const regions: SourceRow[][] = [];
  let current: SourceRow[] = [];
  for (const row of rows) {
    const previous = current.at(-1);
    if (previous && row.n > previous.n + 1) {
      regions.push(current);
      current = [];
    }
    current.push(row);
  }
  if (current.length > 0) regions.push(current);
  return regions;
}

function readRow(row: SourceRow): ReadRow {
  const width = Math.min(row.cells.length, maxTableColumns);
  const cells: ParsedCell[] = [];
  const texts: string[] = [];
  for (let c = 0; c < width; c++) {
    const cell = row.cells[c];
    cells.push(readSourceCell(cell));
    texts.push((cell?.text ?? '').replace(/\s+/g, ' ').trim());
  }
  return { source: row, cells, texts };
}

const filled = (row: ReadRow) => row.texts.filter((text) => text !== '').length;
const allText = (row: ReadRow) =>
  row.cells.every(
    (cell, index) => cell.kind === 'text' || (cell.kind === 'empty' && row.texts[index] === ''),
  );

function tablesOfRegion(sheet: string, region: SourceRow[], budget: TableBudget): ExtractedTable[] {
  const rows = region.map(readRow);
  // A loop, not Math.max(...rows): a spread of 100k+ arguments overflows the stack.
  let width = 0;
  for (const row of rows) width = Math.max(width, lastFilled(row) + 1);
  if (rows.length === 0 || width === 0) return [];
  let start = 0;
  const captions: string[] = [];
  // Title rows: one filled cell in a wider region, above the header.
  while (start < Math.min(rows.length - 1, headerSearchRows) && width > 1 && filled(rows[start]!) === 1) {
    captions.push(rows[start]!.texts.find((text) => text !== '')!);
    start++;
  }
  const first = rows[start];
  if (!first || rows.length - start < 2) return [];
  let headerEnd = start;
  let names: string[];
  const headerLike = allText(first) && filled(first) >= Math.min(2, width) && rows.length - start >= 2;
  if (headerLike) {
    const second = rows[start + 1];
    const third = rows[start + 2];
    const groups = filled(first) < width || hasRepeats(first.texts);
    if (second && third && groups && allText(second) && filled(second) >= 2 && !allText(third))
      headerEnd = start + 1;
    names = columnNames(rows.slice(start, headerEnd + 1), width);
  } else {
    headerEnd = start - 1;
    names = Array.from({ length: width }, (_, c) => `Column ${columnLetter(c)}`);
  }
  const data = rows.slice(headerEnd + 1);
  // A later row repeating the header starts another table.
  const headerKey = headerLike ? first.texts.join('\u0001') : undefined;
  const repeat = headerKey ? data.findIndex((row) => row.texts.join('\u0001') === headerKey) : -1;
  const own = repeat === -1 ? data : data.slice(0, repeat);
  const tables: ExtractedTable[] = [];
  const table = buildTable(sheet, names, own, {
    headerRows: headerLike ? [first.source.n, rows[headerEnd]!.source.n] : [0, 0],
    caption: captions.join(' — '),
    width,
    budget,
  });
  if (table) tables.push(table);
  if (repeat !== -1)
    for (const next of tablesOfRegion(sheet, region.slice(headerEnd + 1 + repeat), budget)) tables.push(next);
  return tables;
}

function buildTable(
  sheet: string,
  names: string[],
  data: ReadRow[],
  meta: { headerRows: [number, number]; caption: string; width: number; budget: TableBudget },
): ExtractedTable | undefined {
  if (data.length === 0) return undefined;
  const { width, budget } = meta;
  let kept = data;
  let truncated = false;
  if (data.length * width > budget.cellsLeft) {
    kept = data.slice(0, Math.max(0, Math.floor(budget.cellsLeft / width)));
    truncated = true;
    budget.truncated = true;
  }
  if (kept.length === 0) return undefined;
  budget.cellsLeft -= kept.length * width;
  const totals = kept.map((row) => totalLabel.test(row.texts.find((text) => text !== '') ?? ''));
  const columns = names.map((name, c) => {
    const cells = kept.map((row, index) =>
      totals[index]
        ? { kind: 'empty' as const, value: null }
        : (row.cells[c] ?? { kind: 'empty' as const, value: null }),
    );
    const texts = kept.map((row) => row.texts[c] ?? '');
    return typeColumn(name, cells, texts);
  });
  const rows: TableRow[] = kept.map((row, index) => {
    const texts = Array.from({ length: width }, (_, c) => row.texts[c] ?? '');
    return {
      n: row.source.n,
      values: totals[index]
        ? texts.map((text) => text || null)
        : columns.map((column) => column.values[index] ?? null),
      texts,
      ...(row.source.span ? { span: row.source.span } : {}),
      ...(totals[index] ? { total: true } : {}),
    };
  });
  return {
    sheet,
    ordinal: 0,
    headerRows: meta.headerRows,
    ...(meta.caption ? { caption: meta.caption } : {}),
    columns: columns.map((column) => column.column),
    rows,
    truncated,
  };
}

/** Header names: the parts of each column's header rows joined, blanks named by letter, repeats numbered. */
function columnNames(header: ReadRow[], width: number): string[] {
  const seen = new Map<string, number>();
  return Array.from({ length: width }, (_, c) => {
    const parts: string[] = [];
    for (const row of header) {
      const text = row.texts[c] ?? '';
      if (text !== '' && parts.at(-1) !== text) parts.push(text);
    }
    let name = parts.join(' ') || `Column ${columnLetter(c)}`;
    const key = name.toLowerCase();
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count > 1) name = `${name} (${count})`;
    return name;
  });
}

function hasRepeats(texts: string[]): boolean {
  return texts.some((text, index) => text !== '' && texts[index - 1] === text);
}

function lastFilled(row: ReadRow): number {
  for (let c = row.texts.length - 1; c >= 0; c--) if (row.texts[c] !== '') return c;
  return -1;
}

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** The tables of a whole document, numbered in order, within one budget. */
export function extractTables(
  sheets: SourceSheet[],
  maxCells: number,
): { tables: ExtractedTable[]; truncated: boolean } {
  const budget: TableBudget = { cellsLeft: maxCells, truncated: false };
  const tables: ExtractedTable[] = [];
  for (const sheet of sheets) {
    for (const table of extractSheetTables(sheet, budget)) tables.push({ ...table, ordinal: tables.length });
  }
  return { tables, truncated: budget.truncated };
}
