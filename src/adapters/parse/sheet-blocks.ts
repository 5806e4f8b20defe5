import type { ParseWarning } from '../../core/document.js';
import type { SourceCell } from '../../core/tables/cell-values.js';
import type { MergedRange } from '../../core/tables/table-extract.js';
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

export const defaultSheetBudget: SheetBudget = { maxRows: 200_000, maxCells: 5_000_000 };

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

/** Warning for rows dropped at the row or cell cap. */
export function rowsTruncatedWarning(fileName: string, budget: SheetBudget): ParseWarning {
  return {
    code: 'rows_truncated',
    message: `${fileName}: only the first ${budget.maxRows.toLocaleString('en')} rows (or ${budget.maxCells.toLocaleString('en')} cells) were read.`,
  };
}
