import type { ParseWarning } from '../../core/document.js';
import { joinCells } from './table-cells.js';
import type { TextBuilder } from './text-builder.js';

/** One sheet's cells as displayed text, row by row. */
export interface SheetData {
  name: string;
  rows: string[][];
}

/** Bounds on spreadsheet work; rows past `maxRows` are dropped with a `rows_truncated` warning. */
export interface SheetBudget {
  maxRows: number;
  maxCells: number;
}

export const defaultSheetBudget: SheetBudget = { maxRows: 200_000, maxCells: 5_000_000 };

/**
 * Appends one sheet: a heading naming it, the first non-empty row as `table-header`, then one
 * `table-row` per non-empty row (cells joined with ' | '). Every block carries `sheet`.
 * Returns false (and warns) when the sheet has no text.
 */
export function appendSheetBlocks(
  builder: TextBuilder,
  sheet: SheetData,
  fileName: string,
  warnings: ParseWarning[],
): boolean {
  const rows = sheet.rows.map((cells) => joinCells(cells)).filter((row) => row.length > 0);
  if (rows.length === 0) {
    warnings.push({
      code: 'sheet_empty',
      message: `${fileName}: sheet "${sheet.name}" is empty and was skipped.`,
    });
    return false;
  }
  builder.add('heading', sheet.name, { sheet: sheet.name, level: 1 });
  for (const [index, row] of rows.entries()) {
    builder.add(index === 0 ? 'table-header' : 'table-row', row, { sheet: sheet.name });
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
