import type { ParseWarning } from '../../core/document.js';
import type { SourceCell } from '../../core/tables/cell-values.js';
import type { MergedRange } from '../../core/tables/table-extract.js';
import type { ParseLimits } from '../../ports/parser.port.js';
import { joinCells } from './table-cells.js';
import type { TextBuilder } from './text-builder.js';

/** One sheet's cells as displayed text, row by row, with what the table extractor needs. */
export interface SheetData {
  name: string;
  rows: string[][];
  /** Sheet row number (1-based) of each entry of `rows`; default: position + 1. */
  rowNumbers?: number[];
  /** Typed cells aligned with `rows`, when the format stores types (XLSX, XLS, ODS). */
  cells?: (SourceCell | undefined)[][];
  merges?: MergedRange[];
  /** Span of each row's block in the text, filled by `appendSheetBlocks`. */
  spans?: ([number, number] | undefined)[];
}

/** Bounds on spreadsheet work; rows past `maxRows` are dropped with a `rows_truncated` warning. */
export interface SheetBudget {
  maxRows: number;
  maxCells: number;
}

/** Rows read per file unless LORE_PARSE_MAX_ROWS says otherwise. */
export const defaultMaxRows = 100_000;

export const defaultSheetBudget: SheetBudget = { maxRows: defaultMaxRows, maxCells: 5_000_000 };

/** The budget of one parse: the configured row budget, the default cell cap. */
export function sheetBudget(limits: ParseLimits): SheetBudget {
  return { ...defaultSheetBudget, maxRows: limits.maxRows ?? defaultMaxRows };
}

/**
 * Appends one sheet: a heading naming it, the first non-empty row as `table-header`, then one
 * `table-row` per non-empty row (cells joined with ' | '). Every block carries `sheet`; each row's
 * span is recorded in `sheet.spans`. Returns false (and warns) when the sheet has no text.
 */
export function appendSheetBlocks(
  builder: TextBuilder,
  sheet: SheetData,
  fileName: string,
  warnings: ParseWarning[],
): boolean {
  const joined = sheet.rows.map((cells) => joinCells(cells));
  const rows = joined.filter((row) => row.length > 0);
  sheet.spans = [];
  if (rows.length === 0) {
    warnings.push({
      code: 'sheet_empty',
      message: `${fileName}: sheet "${sheet.name}" is empty and was skipped.`,
    });
    return false;
  }
  builder.add('heading', sheet.name, { sheet: sheet.name, level: 1 });
  let added = 0;
  for (const [index, row] of joined.entries()) {
    if (row.length === 0) continue;
    const block = builder.add(added === 0 ? 'table-header' : 'table-row', row, { sheet: sheet.name });
    added++;
    if (block) sheet.spans[index] = [block.start, block.end];
  }
  return true;
}

/** How many rows a truncated file kept, and how many it dropped (when known). */
export interface RowCounts {
  kept: number;
  dropped?: number;
  /** `dropped` counts the rows of a declared sheet range, empty rows included. */
  approximate?: boolean;
}

/** Warning for rows dropped at the row or cell cap, naming how many were kept and dropped. */
export function rowsTruncatedWarning(fileName: string, budget: SheetBudget, counts: RowCounts): ParseWarning {
  const n = (value: number) => value.toLocaleString('en');
  const dropped =
    counts.dropped === undefined
      ? 'the rest were not read'
      : `${counts.approximate ? 'up to ' : ''}${n(counts.dropped)} dropped`;
  return {
    code: 'rows_truncated',
    message: `${fileName}: ${n(counts.kept)} rows kept, ${dropped}: the budget is ${n(budget.maxRows)} rows (LORE_PARSE_MAX_ROWS) or ${n(budget.maxCells)} cells per file; search and table questions see only the kept rows.`,
  };
}
