import type { AskEvent } from '../../src/core/answer/ask.service.js';

/** One filter of a gold specification, applied to the raw CSV cells (not Lore's typed rows). */
export interface GoldFilter {
  column: string;
  op: 'eq' | 'gt' | 'lt' | 'month';
  value: string | number;
}

/** A question with how its gold answer is computed from the raw cells, or that it must abstain. */
export interface TableQuestion {
  category: 'count' | 'sum' | 'average' | 'minmax' | 'list' | 'date' | 'comparison' | 'group' | 'negative';
  question: string;
  gold:
    | { op: 'count' | 'sum' | 'avg' | 'min' | 'max'; column?: string; where?: GoldFilter[] }
    | { op: 'list'; column: string; where: GoldFilter[] }
    | { op: 'group'; column: string; by: string; agg: 'sum' | 'count' }
    | { op: 'abstain' };
}

const regions = ['West', 'East', 'North', 'South'];
const customers = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark'];

/** The generated orders sheet: 40 rows from a fixed seed plus a total row, as CSV text. */
export function ordersCsv(): string {
  let seed = 12345;
  const next = () => {
    // High bits: the low bits of a power-of-two LCG repeat with a short period.

    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed >> 16;
  };
  const lines = ['Order,Date,Region,Customer,Amount'];
  let cents = 0;
  for (let i = 0; i < 40; i++) {
    const month = 1 + (next() % 6);
    const day = 1 + (next() % 28);
    const amount = 1000 + (next() % 49000);
    cents += amount;
    const date = `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    lines.push(
      `${2001 + i},${date},${regions[next() % 4]},${customers[next() % 6]},${(amount / 100).toFixed(2)} EUR`,
    );
  }
  lines.push(`Total,,,,${(cents / 100).toFixed(2)} EUR`);
  return lines.join('\n');
}

type RawRow = Record<string, string>;

/** The data rows as raw strings keyed by header, total row left out: the gold side's own parse. */
export function rawRows(csv: string): RawRow[] {
  const [head, ...body] = csv.split('\n');
  const names = head!.split(',');
  return body
    .map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i]!, cell])))
    .filter((row) => row.Order !== 'Total');
}

/** Integer cents of an "12.34 EUR" cell, or the integer in a plain cell. */
function cents(cell: string): number {
  const [whole = '0', fraction = ''] = cell.replace(/\s*EUR$/, '').split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

function matches(row: RawRow, filter: GoldFilter): boolean {
  const cell = row[filter.column] ?? '';
  if (filter.op === 'eq') return cell === String(filter.value);
  if (filter.op === 'month') return Number(cell.slice(5, 7)) === filter.value;
  const have = filter.column === 'Amount' ? cents(cell) : Number(cell) * 100;
  const want = Number(filter.value) * 100;
  return filter.op === 'gt' ? have > want : have < want;
}

/** The gold answer of a question computed from raw cells: a number, a sorted list, groups, or 'abstain'. */
export function goldAnswer(question: TableQuestion, rows: RawRow[]): unknown {
  const gold = question.gold;
  if (gold.op === 'abstain') return 'abstain';
  if (gold.op === 'group') {
    const out: Record<string, number> = {};
    for (const row of rows) {
      const key = row[gold.by]!;
      out[key] = (out[key] ?? 0) + (gold.agg === 'count' ? 1 : cents(row[gold.column]!));
    }
    return Object.fromEntries(
      Object.entries(out).map(([key, v]) => [key, gold.agg === 'count' ? v : v / 100]),
    );
  }
  const picked = rows.filter((row) => (gold.where ?? []).every((filter) => matches(row, filter)));
  if (gold.op === 'list') return picked.map((row) => row[gold.column]!).sort();
  if (gold.op === 'count') return picked.length;
  const values = picked.map((row) => cents(row[gold.column!]!));
  if (values.length === 0) return 'abstain';
  if (gold.op === 'sum') return values.reduce((a, b) => a + b, 0) / 100;
  if (gold.op === 'min') return Math.min(...values) / 100;
  if (gold.op === 'max') return Math.max(...values) / 100;
  return Math.round(values.reduce((a, b) => a + b, 0) / values.length) / 100;
}

/** What Lore answered, in the same shape as the gold answer. */
export function loreAnswer(question: TableQuestion, end: Extract<AskEvent, { type: 'answer-end' }>): unknown {
  const computation = end.computation;
  if (end.mode !== 'computed' || computation?.status !== 'computed') return 'abstain';
  if (question.gold.op === 'group')
    return Object.fromEntries((computation.groups ?? []).map((group) => [group.key, group.value]));
  if (question.gold.op === 'list') return [...(computation.labels ?? [])].sort();
  return typeof computation.value === 'number'
    ? Math.round(computation.value * 100) / 100
    : computation.value;
}

/** Exact match: same number to the cent, same list, same groups, or both abstain. */
export function sameAnswer(gold: unknown, lore: unknown): boolean {
  return JSON.stringify(normalise(gold)) === JSON.stringify(normalise(lore));
}

function normalise(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value))
    return Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return value;
}
