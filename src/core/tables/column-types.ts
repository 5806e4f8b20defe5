import { type ParsedCell, parseCellText, type SourceCell } from './cell-values.js';
import type { CellValue, ColumnType, TableColumn } from './table.records.js';

/** Texts that mean "no value" in a data cell. */
const nullLike = new Set(['-', '–', '—', 'n/a', 'na', 'n.a.', '?', 'null', 'none', '#n/a', '']);

/** Spreadsheet error values (`#DIV/0!`, `#N/A`…): no value. */
const errorValue = /^#(div\/0!|n\/a|value!|ref!|name\?|num!|null!|spill!|calc!|getting_data)$/i;

/** True for a cell text that stands for no value. */
export function isNullText(text: string): boolean {
  const lower = text.trim().toLowerCase();
  return nullLike.has(lower) || errorValue.test(lower);
}

/** Share of a column's non-empty cells that must agree for the column to take their type. */
const agreement = 0.95;

/** Most frequent values kept per column for routing and prompts. */
export const sampleLimit = 50;

/** Reads one cell, trusting the source format's own type when it has one. */
export function readSourceCell(cell: SourceCell | undefined): ParsedCell {
  if (!cell) return { kind: 'empty', value: null };
  const text = cell.text.trim();
  switch (cell.kind) {
    case 'date':
    case 'datetime':
      return typeof cell.value === 'string' ? { kind: cell.kind, value: cell.value } : parseCellText(text);
    case 'boolean':
      return { kind: 'boolean', value: Boolean(cell.value) };
    case 'percentage':
      return typeof cell.value === 'number' ? { kind: 'percentage', value: cell.value } : parseCellText(text);
    case 'currency':
      return typeof cell.value === 'number'
        ? { kind: 'currency', value: cell.value, ...(cell.unit ? { unit: cell.unit } : {}) }
        : parseCellText(text);
    case 'number': {
      if (typeof cell.value !== 'number' || !Number.isFinite(cell.value)) return parseCellText(text);
      // The displayed text says whether the number is a percentage or an amount of money.
      const shown = parseCellText(text);
      if (shown.kind === 'percentage') return { kind: 'percentage', value: cell.value };
      if (shown.kind === 'currency' && shown.unit)
        return { kind: 'currency', value: cell.value, unit: shown.unit };
      return { kind: Number.isInteger(cell.value) ? 'integer' : 'decimal', value: cell.value };
    }
    default:
      return parseCellText(text);
  }
}

/** A currency named in a header: `Amount (EUR)`, `Price €`, `Total in USD`. */
export function headerUnit(name: string): string | undefined {
  const match =
    /(?:\(|\[|\bin\s+|\s|^)(EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|INR|CNY|€|\$|£|¥)(?:\)|\]|\s|$)/i.exec(
      name,
    );
  if (!match) return undefined;
  const token = match[1]!.toUpperCase();
  return { '€': 'EUR', $: 'USD', '£': 'GBP', '¥': 'JPY' }[token] ?? token;
}

export interface TypedColumn {
  column: TableColumn;
  /** Typed values aligned with the input cells (null where empty or unreadable as the type). */
  values: CellValue[];
}

/**
 * Decides a column's type from its cells (95 % must agree; the rest become empty), resolves
 * day/month order for slash dates, and returns the typed values with the column's description.
 */
export function typeColumn(
  name: string,
  cells: readonly ParsedCell[],
  texts: readonly string[],
): TypedColumn {
  const counts = new Map<string, number>();
  const units = new Set<string>();
  let nonEmpty = 0;
  cells.forEach((cell, index) => {
    if (cell.kind === 'empty' || (cell.kind === 'text' && isNullText(texts[index] ?? ''))) return;
    nonEmpty++;
    counts.set(cell.kind, (counts.get(cell.kind) ?? 0) + 1);
    if (cell.kind === 'currency' && cell.unit) units.add(cell.unit);
  });
  const count = (...kinds: string[]) => kinds.reduce((sum, kind) => sum + (counts.get(kind) ?? 0), 0);
  let type: ColumnType = 'text';
  let unit: string | undefined;
  const numeric = count('integer', 'decimal', 'currency', 'percentage');
  const hinted = headerUnit(name);
  if (nonEmpty > 0 && numeric >= agreement * nonEmpty) {
    const currency = count('currency');
    const percentage = count('percentage');
    if (units.size > 1) type = 'text';
    else if (currency > 0 && currency >= numeric / 2) {
      type = 'currency';
      unit = [...units][0] ?? hinted;
    } else if (percentage === numeric) type = 'percentage';
    else if (currency === 0 && percentage === 0 && hinted) {
      type = 'currency';
      unit = hinted;
    } else if (percentage === 0 && currency === 0) type = count('decimal') > 0 ? 'decimal' : 'integer';
  } else if (nonEmpty > 0 && count('date', 'datetime') >= agreement * nonEmpty) {
    type = count('datetime') > 0 ? 'datetime' : 'date';
  } else if (nonEmpty > 0 && count('boolean') === nonEmpty) type = 'boolean';

  const dayFirst = type === 'date' || type === 'datetime' ? prefersDayFirst(cells) : false;
  const values = cells.map((cell, index) => typedValue(type, cell, texts[index] ?? '', dayFirst));
  const column: TableColumn = {
    name,
    type,
    ...(unit ? { unit } : {}),
    ...describeValues(type, values, texts),
  };
  if (units.size > 1) column.unit = [...units].sort().join('/');
  return { column, values };
}

function prefersDayFirst(cells: readonly ParsedCell[]): boolean {
  let dayFirst = 0;
  let monthFirst = 0;
  for (const cell of cells) {
    if (cell.dateOrder === 'dmy') dayFirst++;
    else if (cell.dateOrder === 'mdy') monthFirst++;
  }
  return dayFirst > monthFirst;
}

function typedValue(type: ColumnType, cell: ParsedCell, text: string, dayFirst: boolean): CellValue {
  if (cell.kind === 'empty') return null;
  switch (type) {
    case 'text':
      return isNullText(text) ? null : text.replace(/\s+/g, ' ').trim() || null;
    case 'integer':
    case 'decimal':
    case 'percentage':
      return typeof cell.value === 'number' && cell.kind !== 'currency' ? cell.value : null;
    case 'currency':
      return typeof cell.value === 'number' &&
        (cell.kind === 'currency' || cell.kind === 'integer' || cell.kind === 'decimal')
        ? cell.value
        : null;
    case 'date':
    case 'datetime': {
      if (cell.kind !== 'date' && cell.kind !== 'datetime') return null;
      const value =
        dayFirst && cell.dateOrder === 'either' && cell.alternative ? cell.alternative : cell.value;
      if (typeof value !== 'string') return null;
      return type === 'datetime' && value.length === 10 ? `${value}T00:00:00` : value;
    }
    case 'boolean':
      return typeof cell.value === 'boolean' ? cell.value : null;
  }
}

function describeValues(
  type: ColumnType,
  values: readonly CellValue[],
  texts: readonly string[],
): Pick<TableColumn, 'samples' | 'distinctCount' | 'emptyCount'> {
  const frequency = new Map<string, number>();
  let emptyCount = 0;
  values.forEach((value, index) => {
    if (value === null) {
      emptyCount++;
      return;
    }
    const key = type === 'text' ? String(value) : (texts[index] ?? String(value)).trim();
    frequency.set(key, (frequency.get(key) ?? 0) + 1);
  });
  const ranked = [...frequency.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const samples = ranked
    .slice(0, type === 'text' || type === 'boolean' ? sampleLimit : 8)
    .map(([key]) => key);
  return { samples, distinctCount: frequency.size, emptyCount };
}
