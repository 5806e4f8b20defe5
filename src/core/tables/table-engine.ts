import Big from 'big.js';
import { readNumber } from './cell-values.js';
import { compileFilter, resolveColumn, TableQueryRefusal, typeWord } from './plan-filters.js';
import type { Aggregate, TablePlan } from './query-plan.js';
import {
  type CellValue,
  isDateType,
  isNumericType,
  type LoadedTable,
  type TableColumn,
  type TableRow,
} from './table.records.js';
import { decimalsOf, formatNumber, formatValue } from './table-format.js';

/** Rows a computation carries for display (the full set is still counted and cited by number). */
export const shownRowLimit = 50;

/** One group of a grouped computation. */
export interface ComputedGroup {
  key: string;
  value: number | string | null;
  display: string;
  rowCount: number;
}

/** The exact result of a plan over one table. */
export interface TableComputation {
  aggregate: Aggregate;
  /** The number (count, sum, average, min/max) or ISO date (min/max of dates); absent for lists and groups. */
  value?: number | string;
  /** The value as an answer shows it ("4,210.50 EUR"). */
  display: string;
  /** The computation in plain words: "Sum of Amount over 23 rows where Region = West". */
  statement: string;
  column?: string;
  unit?: string;
  /** Sheet row numbers of every row the computation used. */
  rowNumbers: number[];
  /** Columns of the rows shown, and those rows (at most `shownRowLimit`). */
  columns: string[];
  rows: { n: number; cells: string[] }[];
  groups?: ComputedGroup[];
  /** For min/max: the label of the row(s) reaching it; for lists: the label column's values. */
  labels?: string[];
  labelColumn?: string;
  /** Total rows left out of the computation. */
  excludedTotals: number;
  /** Text spans of the first and last row used (in sheet order), for the citation. */
  spans: [number, number][];
}

/**
 * Runs a validated plan over a loaded table: filters with type checks, exact decimal sums and
 * averages (big.js), min/max with the rows reaching them, counts, grouped results and sorted lists.
 * Throws `TableQueryRefusal` (unknown column, impossible comparison, nothing to compute on).
 */
export function executePlan(table: LoadedTable, plan: TablePlan): TableComputation {
  const result = compute(table, plan);
  const used = new Set(result.rowNumbers);
  const spans = table.rows.filter((row) => used.has(row.n) && row.span).map((row) => row.span!);
  return { ...result, spans: spans.length > 1 ? [spans[0]!, spans.at(-1)!] : spans };
}

function compute(table: LoadedTable, plan: TablePlan): Omit<TableComputation, 'spans'> {
  const { columns } = table;
  const filters = plan.filters.map((filter) => {
    const index = resolveColumn(columns, filter.column);
    return { index, compiled: compileFilter(filter, columns[index]!) };
  });
  const measureIndex = plan.column ? resolveColumn(columns, plan.column) : undefined;
  const groupIndex = plan.groupBy ? resolveColumn(columns, plan.groupBy) : undefined;
  const labelIndex = plan.label ? resolveColumn(columns, plan.label) : undefined;
  const data = table.rows.filter((row) => !row.total);
  const excludedTotals = table.rows.length - data.length;
  const matching = data.filter((row) =>
    filters.every(({ index, compiled }) => compiled.test(row.values[index] ?? null, row.texts[index] ?? '')),
  );
  const where = filters.length
    ? ` where ${filters.map((filter) => filter.compiled.description).join(' and ')}`
    : '';
  const measure = measureIndex === undefined ? undefined : columns[measureIndex]!;
  if (plan.aggregate !== 'count' && plan.aggregate !== 'list' && measure === undefined) {
    throw new TableQueryRefusal(`${plan.aggregate} needs a column to compute on`);
  }
  if ((plan.aggregate === 'sum' || plan.aggregate === 'avg') && measure && !isNumericType(measure.type)) {
    throw new TableQueryRefusal(
      `column ${measure.name} holds ${typeWord(measure)}; it cannot be ${plan.aggregate === 'sum' ? 'added up' : 'averaged'}`,
    );
  }
  if (
    (plan.aggregate === 'min' || plan.aggregate === 'max') &&
    measure &&
    !isNumericType(measure.type) &&
    !isDateType(measure.type)
  ) {
    throw new TableQueryRefusal(
      `column ${measure.name} holds ${typeWord(measure)}; it has no ${plan.aggregate === 'max' ? 'highest' : 'lowest'} value`,
    );
  }
  const base = {
    aggregate: plan.aggregate,
    excludedTotals,
    ...(measure ? { column: measure.name } : {}),
    ...(measure?.unit ? { unit: measure.unit } : {}),
  };
  const shownColumns = displayColumns(
    table,
    plan,
    filters.map((filter) => filter.index),
    [measureIndex, groupIndex, labelIndex],
  );
  const shown = (rows: TableRow[]) => ({
    columns: shownColumns.map((index) => columns[index]!.name),
    rows: rows
      .slice(0, shownRowLimit)
      .map((row) => ({ n: row.n, cells: shownColumns.map((index) => row.texts[index] ?? '') })),
  });

  if (groupIndex !== undefined) {
    const groups = groupRows(matching, groupIndex);
    const computed = [...groups.entries()].map(([key, rows]): ComputedGroup => {
      const result = aggregateRows(
        plan.aggregate === 'list' ? 'count' : plan.aggregate,
        rows,
        measureIndex,
        measure,
      );
      return { key, value: result.value ?? null, display: result.display, rowCount: rows.length };
    });
    computed.sort((a, b) => compareValues(b.value, a.value) || a.key.localeCompare(b.key));
    const groupName = columns[groupIndex]!.name;
    return {
      ...base,
      display: computed.map((group) => `${group.key}: ${group.display}`).join('; '),
      statement: `${describe(plan.aggregate, measure, matching.length)} per ${groupName}${where}`,
      rowNumbers: matching.map((row) => row.n),
      groups: computed,
      ...shown(matching),
    };
  }

  if (plan.aggregate === 'list') {
    let rows = matching;
    if (plan.orderBy) {
      const index = resolveColumn(columns, plan.orderBy.column);
      const sign = plan.orderBy.direction === 'desc' ? -1 : 1;
      rows = [...rows].sort(
        (a, b) => nullsLast(a.values[index] ?? null, b.values[index] ?? null, sign) || a.n - b.n,
      );
    }
    if (plan.limit) rows = rows.slice(0, plan.limit);
    const label = labelIndex ?? shownColumns[0];
    const order = plan.orderBy
      ? `, ${plan.orderBy.direction === 'desc' ? 'highest' : 'lowest'} ${plan.orderBy.column} first`
      : '';
    const limited = plan.limit && matching.length > rows.length ? `the first ${rows.length} of ` : '';
    return {
      ...base,
      display: `${rows.length} row${rows.length === 1 ? '' : 's'}`,
      statement: `List of ${limited}${matching.length} row${matching.length === 1 ? '' : 's'}${where}${order}`,
      rowNumbers: rows.map((row) => row.n),
      ...(label === undefined
        ? {}
        : { labels: rows.map((row) => row.texts[label] ?? ''), labelColumn: columns[label]!.name }),
      ...shown(rows),
    };
  }

  const result = aggregateRows(plan.aggregate, matching, measureIndex, measure);
  if (result.value === undefined) {
    const reason =
      matching.length === 0
        ? `no rows match${where || ' the question'}`
        : `column ${measure?.name} is empty in the ${matching.length} matching rows`;
    throw new TableQueryRefusal(reason);
  }
  const usedRows = result.rows ?? matching;
  const label = labelIndex;
  return {
    ...base,
    value: result.value,
    display: result.display,
    statement: `${describe(plan.aggregate, measure, matching.length, result.counted)}${where}`,
    rowNumbers: (plan.aggregate === 'min' || plan.aggregate === 'max' ? matching : usedRows).map(
      (row) => row.n,
    ),
    ...(label !== undefined && result.rows
      ? { labels: result.rows.map((row) => row.texts[label] ?? ''), labelColumn: columns[label]!.name }
      : {}),
    ...shown(result.rows ?? matching),
  };
}

interface AggregateResult {
  value?: number | string;
  display: string;
  /** For min/max: the rows reaching the value. */
  rows?: TableRow[];
  /** Values that went into a sum or average. */
  counted?: number;
}

function aggregateRows(
  aggregate: Aggregate,
  rows: TableRow[],
  index: number | undefined,
  column: TableColumn | undefined,
): AggregateResult {
  if (aggregate === 'count' || aggregate === 'list')
    return { value: rows.length, display: formatNumber(rows.length, 'integer') };
  if (index === undefined || !column) return { display: '' };
  if (aggregate === 'countDistinct') {
    const distinct = new Set(
      rows.map((row) => normaliseKey(row.values[index] ?? null)).filter((key) => key !== ''),
    );
    return { value: distinct.size, display: formatNumber(distinct.size, 'integer') };
  }
  const present = rows.filter((row) => row.values[index] !== null && row.values[index] !== undefined);
  if (present.length === 0) return { display: '' };
  if (aggregate === 'min' || aggregate === 'max') {
    const sign = aggregate === 'max' ? -1 : 1;
    const best = present.reduce((winner, row) =>
      compareValues(row.values[index]!, winner.values[index]!) * sign < 0 ? row : winner,
    );
    const value = best.values[index] as number | string;
    const reaching = present.filter((row) => compareValues(row.values[index]!, value) === 0);
    return { value, display: formatValue(value, column, shownDecimals(reaching, index)), rows: reaching };
  }
  let sum = new Big(0);
  for (const row of present) sum = sum.plus(new Big(row.values[index] as number));
  const decimals = shownDecimals(present, index);
  let raw = Number.NEGATIVE_INFINITY; // a loop: spreading 100k+ rows into Math.max overflows the stack
  for (const row of present) raw = Math.max(raw, decimalsOf(row.values[index] as number));
  if (aggregate === 'sum') {
    const value = Number(sum.round(Math.min(raw, 12)).toString());
    return {
      value,
      display: formatNumber(
        value,
        column.type,
        column.unit,
        column.type === 'percentage' ? undefined : decimals,
      ),
      counted: present.length,
    };
  }
  const mean = sum.div(present.length);
  const value = Number(mean.round(12).toString());
  const places = Math.min(Math.max(decimals + 2, 2), 6);
  const shown = Number(mean.round(column.type === 'percentage' ? places + 2 : places).toString());
  return { value, display: formatNumber(shown, column.type, column.unit), counted: present.length };
}

/** Decimals the cells show (their displayed text), so a sum of prices keeps two. */
function shownDecimals(rows: TableRow[], index: number): number {
  let decimals = 0;
  for (const row of rows) {
    const text = (row.texts[index] ?? '').replace(/[^\d.,()+-]/g, '');
    decimals = Math.max(decimals, readNumber(text)?.decimals ?? 0);
  }
  return Math.min(decimals, 10);
}

function describe(
  aggregate: Aggregate,
  column: TableColumn | undefined,
  rows: number,
  counted?: number,
): string {
  const over = (n: number) => `${n} row${n === 1 ? '' : 's'}`;
  const name = column?.name ?? '';
  switch (aggregate) {
    case 'count':
    case 'list':
      return `Count of rows`;
    case 'countDistinct':
      return `Count of distinct ${name} values over ${over(rows)}`;
    case 'sum':
      return `Sum of ${name} over ${over(counted ?? rows)}`;
    case 'avg':
      return `Average of ${name} over ${over(counted ?? rows)}`;
    case 'min':
      return `Lowest ${name} among ${over(rows)}`;
    case 'max':
      return `Highest ${name} among ${over(rows)}`;
  }
}

function groupRows(rows: TableRow[], index: number): Map<string, TableRow[]> {
  const groups = new Map<string, TableRow[]>();
  const names = new Map<string, string>();
  for (const row of rows) {
    const key = normaliseKey(row.values[index] ?? null);
    if (!names.has(key)) names.set(key, (row.texts[index] ?? '').trim() || '(empty)');
    const name = names.get(key)!;
    groups.set(name, [...(groups.get(name) ?? []), row]);
  }
  return groups;
}

function normaliseKey(value: CellValue): string {
  if (value === null) return '';
  return typeof value === 'string' ? value.toLowerCase().replace(/\s+/g, ' ').trim() : String(value);
}

function compareValues(a: CellValue, b: CellValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function nullsLast(a: CellValue, b: CellValue, sign: number): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return compareValues(a, b) * sign;
}

function firstTextColumn(columns: readonly TableColumn[], except: number | undefined): number | undefined {
  const index = columns.findIndex((column, at) => at !== except && column.type === 'text');
  return index === -1 ? undefined : index;
}

/** The columns a result shows: a label column, then the filtered, measured, grouped ones (at most 6). */
function displayColumns(
  table: LoadedTable,
  plan: TablePlan,
  filtered: number[],
  others: (number | undefined)[],
): number[] {
  if (plan.select?.length) return plan.select.map((name) => resolveColumn(table.columns, name)).slice(0, 8);
  const label = firstTextColumn(table.columns, undefined);
  const order = plan.orderBy ? resolveColumn(table.columns, plan.orderBy.column) : undefined;
  const chosen = [label, ...others, order, ...filtered].filter(
    (index): index is number => index !== undefined,
  );
  const unique = [...new Set(chosen)];
  if (unique.length < 2) return table.columns.slice(0, 6).map((_, index) => index);
  return unique.slice(0, 6);
}
