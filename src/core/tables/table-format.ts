import { monthName } from './cell-values.js';
import type { CellValue, ColumnType, TableColumn } from './table.records.js';

/** Decimals a number is written with (`String(0.25)` → 2), at most 15. */
export function decimalsOf(value: number): number {
  const text = String(value);
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent) return Math.min(15, Number(exponent[1]) + (text.split('e')[0]!.split('.')[1]?.length ?? 0));
  return Math.min(15, text.split('.')[1]?.length ?? 0);
}

/** A number with thousands separators and exactly `decimals` decimals (en-US). */
export function formatDecimal(value: number, decimals: number): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
    useGrouping: true,
  });
}

/** A value of a column as an answer shows it: `4,210.50 EUR`, `12.5%`, `2024-03-05`, `yes`. */
export function formatValue(
  value: CellValue,
  column: Pick<TableColumn, 'type' | 'unit'>,
  decimals?: number,
): string {
  if (value === null) return '(empty)';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  return formatNumber(value, column.type, column.unit, decimals);
}

export function formatNumber(value: number, type: ColumnType, unit?: string, decimals?: number): string {
  if (type === 'percentage') {
    const percent = Number((value * 100).toFixed(10));
    return `${formatDecimal(percent, Math.min(decimals ?? decimalsOf(percent), 6))}%`;
  }
  const places = Math.min(decimals ?? decimalsOf(value), 10);
  const text = formatDecimal(value, places);
  return type === 'currency' && unit ? `${text} ${unit}` : text;
}

/**
 * Row numbers as compact ranges: [2, 3, 4, 7, 9, 10] → "2–4, 7, 9–10"; long lists end with "…".
 *
 * @example rowRanges([14, 15, 16, 37]) // "14–16, 37"
 */
export function rowRanges(rows: readonly number[], maxRanges = 8): string {
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start = sorted[0];
  let previous = start;
  for (const n of [...sorted.slice(1), Number.NaN]) {
    if (start === undefined || previous === undefined) break;
    if (n === previous + 1) {
      previous = n;
      continue;
    }
    ranges.push(start === previous ? `${start}` : `${start}–${previous}`);
    start = n;
    previous = n;
  }
  return ranges.length > maxRanges ? `${ranges.slice(0, maxRanges).join(', ')}, …` : ranges.join(', ');
}

/** "rows 14–37" / "row 5". */
export function rowsLabel(rows: readonly number[]): string {
  const unique = new Set(rows);
  return unique.size === 1 ? `row ${[...unique][0]}` : `rows ${rowRanges(rows)}`;
}

/** "March 2024", "March" for a month filter. */
export function monthLabel(month: number, year?: number): string {
  return year === undefined ? monthName(month) : `${monthName(month)} ${year}`;
}
