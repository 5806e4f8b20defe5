import { currencyOf, parseCellText, readDate, readNumber } from './cell-values.js';
import type { PlanFilter } from './query-plan.js';
import { type CellValue, isDateType, isNumericType, type TableColumn } from './table.records.js';
import { formatNumber, monthLabel } from './table-format.js';

/** A plan that cannot run over this table, with the reason a user reads. */
export class TableQueryRefusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TableQueryRefusal';
  }
}

/** Finds a column by name (case and spacing ignored); refuses with the table's columns otherwise. */
export function resolveColumn(columns: readonly TableColumn[], name: string): number {
  const wanted = normaliseName(name);
  const index = columns.findIndex((column) => normaliseName(column.name) === wanted);
  if (index !== -1) return index;
  throw new TableQueryRefusal(
    `the table has no column “${name}” (its columns are ${columns.map((column) => column.name).join(', ')})`,
  );
}

export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[\s_]+/g, ' ')
    .trim();
}

export interface CompiledFilter {
  test(value: CellValue, text: string): boolean;
  /** "Region = West", "Amount > 100 EUR", "Date in March 2024". */
  description: string;
}

/** Turns one plan filter into a predicate over a column, refusing comparisons the column's type cannot make. */
export function compileFilter(filter: PlanFilter, column: TableColumn): CompiledFilter {
  const name = column.name;
  switch (filter.op) {
    case 'empty':
      return { test: (value) => value === null, description: `${name} is empty` };
    case 'notEmpty':
      return { test: (value) => value !== null, description: `${name} is not empty` };
    case 'contains': {
      const needle = String(filter.value ?? '')
        .toLowerCase()
        .trim();
      if (needle === '') throw new TableQueryRefusal(`“contains” needs a text to look for in ${name}`);
      return {
        test: (_value, text) => text.toLowerCase().includes(needle),
        description: `${name} contains “${filter.value}”`,
      };
    }
    case 'month':
    case 'year':
      return dateFilter(filter, column);
    case 'eq':
    case 'ne': {
      const equal = equality(filter.value, column);
      return filter.op === 'eq'
        ? { test: equal.test, description: `${name} = ${equal.shown}` }
        : { test: (value, text) => !equal.test(value, text), description: `${name} ≠ ${equal.shown}` };
    }
    default:
      return comparison(filter, column);
  }
}

function dateFilter(filter: PlanFilter, column: TableColumn): CompiledFilter {
  if (!isDateType(column.type)) {
    throw new TableQueryRefusal(
      `column ${column.name} holds ${typeWord(column)}, not dates, so it has no ${filter.op}s`,
    );
  }
  if (filter.op === 'year') {
    const year = Number(filter.value);
    if (!Number.isInteger(year)) throw new TableQueryRefusal(`${String(filter.value)} is not a year`);
    const prefix = `${String(year).padStart(4, '0')}-`;
    return {
      test: (value) => typeof value === 'string' && value.startsWith(prefix),
      description: `${column.name} in ${year}`,
    };
  }
  const month = Number(filter.value);
  const year = filter.value2 === undefined ? undefined : Number(filter.value2);
  if (!Number.isInteger(month) || month < 1 || month > 12)
    throw new TableQueryRefusal(`${String(filter.value)} is not a month`);
  const mm = String(month).padStart(2, '0');
  return {
    test: (value) =>
      typeof value === 'string' &&
      value.slice(5, 7) === mm &&
      (year === undefined || value.startsWith(`${year}-`)),
    description: `${column.name} in ${monthLabel(month, year)}`,
  };
}

function equality(
  raw: PlanFilter['value'],
  column: TableColumn,
): { test: CompiledFilter['test']; shown: string } {
  if (raw === undefined) throw new TableQueryRefusal(`an equality on ${column.name} needs a value`);
  if (column.type === 'boolean') {
    const wanted = typeof raw === 'boolean' ? raw : parseCellText(String(raw)).value;
    if (typeof wanted !== 'boolean')
      throw new TableQueryRefusal(`column ${column.name} holds yes/no values, not “${raw}”`);
    return { test: (value) => value === wanted, shown: wanted ? 'yes' : 'no' };
  }
  if (isNumericType(column.type)) {
    const wanted = numberFor(raw, column);
    return {
      test: (value) => typeof value === 'number' && Math.abs(value - wanted) < 1e-9,
      shown: formatNumber(wanted, column.type, column.unit),
    };
  }
  if (isDateType(column.type)) {
    const wanted = dateFor(raw, column);
    return { test: (value) => typeof value === 'string' && value.startsWith(wanted), shown: wanted };
  }
  const wanted = String(raw).toLowerCase().replace(/\s+/g, ' ').trim();
  return {
    test: (value) => typeof value === 'string' && value.toLowerCase().replace(/\s+/g, ' ') === wanted,
    shown: String(raw),
  };
}

function comparison(filter: PlanFilter, column: TableColumn): CompiledFilter {
  const symbols = { gt: '>', gte: '≥', lt: '<', lte: '≤', between: 'between' } as const;
  const op = filter.op as keyof typeof symbols;
  if (filter.value === undefined || (op === 'between' && filter.value2 === undefined)) {
    throw new TableQueryRefusal(
      `the comparison on ${column.name} needs ${op === 'between' ? 'two values' : 'a value'}`,
    );
  }
  if (isNumericType(column.type)) {
    const low = numberFor(filter.value, column);
    const high = op === 'between' ? numberFor(filter.value2!, column) : low;
    const [a, b] = low <= high ? [low, high] : [high, low];
    const test = (value: CellValue) => {
      if (typeof value !== 'number') return false;
      if (op === 'gt') return value > a;
      if (op === 'gte') return value >= a;
      if (op === 'lt') return value < a;
      if (op === 'lte') return value <= a;
      return value >= a && value <= b;
    };
    const show = (n: number) => formatNumber(n, column.type, column.unit);
    return {
      test,
      description:
        op === 'between'
          ? `${column.name} between ${show(a)} and ${show(b)}`
          : `${column.name} ${symbols[op]} ${show(a)}`,
    };
  }
  if (isDateType(column.type)) {
    const low = dateFor(filter.value, column);
    const high = op === 'between' ? dateFor(filter.value2!, column) : low;
    const [a, b] = low <= high ? [low, high] : [high, low];
    // A date-only bound covers its whole day on a datetime column.
    const endOf = (day: string) => (day.length === 10 ? `${day}T23:59:59` : day);
    const test = (value: CellValue) => {
      if (typeof value !== 'string') return false;
      if (op === 'gt') return value > endOf(a);
      if (op === 'gte') return value >= a;
      if (op === 'lt') return value < a;
      if (op === 'lte') return value <= endOf(a);
      return value >= a && value <= endOf(b);
    };
    const words = { gt: 'after', gte: 'on or after', lt: 'before', lte: 'on or before' } as const;
    return {
      test,
      description: op === 'between' ? `${column.name} from ${a} to ${b}` : `${column.name} ${words[op]} ${a}`,
    };
  }
  throw new TableQueryRefusal(
    `column ${column.name} holds ${typeWord(column)}; it cannot be compared with ${String(filter.value)}`,
  );
}

function numberFor(raw: string | number | boolean, column: TableColumn): number {
  if (typeof raw === 'number') return raw;
  const text = String(raw).trim();
  const parsed = parseCellText(text);
  if (
    parsed.kind === 'currency' &&
    column.type === 'currency' &&
    column.unit &&
    parsed.unit !== column.unit
  ) {
    throw new TableQueryRefusal(`column ${column.name} is in ${column.unit}, not ${parsed.unit}`);
  }
  if (typeof parsed.value === 'number') {
    if (parsed.kind === 'percentage' && column.type !== 'percentage') return parsed.value * 100;
    return parsed.value;
  }
  const bare = /^([\d.,\s-]+)\s*([A-Za-z€$£¥]{1,3})?$/.exec(text);
  const unit = bare?.[2] ? currencyOf(bare[2]) : undefined;
  if (unit && column.unit && unit !== column.unit)
    throw new TableQueryRefusal(`column ${column.name} is in ${column.unit}, not ${unit}`);
  const number = bare ? readNumber(bare[1]!) : undefined;
  if (number) return number.value;
  throw new TableQueryRefusal(`“${text}” is not a number, and column ${column.name} holds numbers`);
}

function dateFor(raw: string | number | boolean, column: TableColumn): string {
  const text = String(raw).trim();
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(text)) return text;
  const parsed = readDate(text);
  if (parsed && typeof parsed.value === 'string') return parsed.value;
  throw new TableQueryRefusal(`“${text}” is not a date, and column ${column.name} holds dates`);
}

/** "text", "dates", "numbers", "yes/no values", "amounts in several currencies (EUR/USD)". */
export function typeWord(column: TableColumn): string {
  if (column.type === 'text' && column.unit?.includes('/'))
    return `amounts in several currencies (${column.unit})`;
  if (isNumericType(column.type)) return 'numbers';
  if (isDateType(column.type)) return 'dates';
  if (column.type === 'boolean') return 'yes/no values';
  return 'text';
}
