import { findSequence, nameStems, type Token } from './question-terms.js';
import type { LoadedTable, TableColumn } from './table.records.js';

/** Where the question names a column (or one of its values). */
export interface Mention {
  column: number;
  start: number;
  end: number;
  /** The value named, for value mentions. */
  value?: string;
  /** How sure the match is (longer and exact names score higher). */
  weight: number;
}

/** Words of a column name worth matching: the name without a unit in brackets. */
function columnWords(column: TableColumn): string[][] {
  const variants = new Set([column.name, column.name.replace(/\s*[([][^)\]]*[)\]]\s*/g, ' ').trim()]);
  return [...variants].map(nameStems).filter((words) => words.length > 0);
}

/**
 * Columns named in the question: the whole name (small typos allowed in long words), or — for
 * names of two or more words — a part of it that no other column shares ("bends" for
 * "Number Off Bends"). Longest matches win; overlapping shorter ones are dropped.
 */
export function columnMentions(tokens: readonly Token[], columns: readonly TableColumn[]): Mention[] {
  const found: Mention[] = [];
  columns.forEach((column, index) => {
    for (const words of columnWords(column)) {
      for (const start of findSequence(tokens, words)) {
        found.push({ column: index, start, end: start + words.length - 1, weight: 2 + words.length });
      }
    }
  });
  // Distinctive parts of multi-word names.
  columns.forEach((column, index) => {
    const words = nameStems(column.name);
    if (words.length < 2) return;
    for (let size = words.length - 1; size >= 1; size--) {
      for (let from = 0; from + size <= words.length; from++) {
        const part = words.slice(from, from + size);
        if (part.every((word) => genericWords.has(word) || word.length < 3)) continue;
        const shared = columns.some((other, at) => at !== index && containsRun(nameStems(other.name), part));
        if (shared) continue;
        for (const start of findSequence(tokens, part)) {
          found.push({ column: index, start, end: start + size - 1, weight: 1 + size * 0.8 });
        }
      }
    }
  });
  return pickNonOverlapping(found);
}

/** Words too common to name a column on their own. */
const genericWords = new Set([
  'column',
  'label',
  'row',
  'grand',
  'sum',
  'averag',
  'number',
  'of',
  'off',
  'the',
  'total',
  'valu',
  'count',
  'name',
  'x',
  'y',
  'z',
  'is',
  'no',
  'id',
]);

function containsRun(words: string[], part: string[]): boolean {
  for (let at = 0; at + part.length <= words.length; at++) {
    if (part.every((word, offset) => words[at + offset] === word)) return true;
  }
  return false;
}

/**
 * Values of text and yes/no columns named in the question ("West", "blue"); the rows' distinct
 * values are matched as whole words, single letters and plain numbers only when quoted.
 */
export function valueMentions(
  tokens: readonly Token[],
  table: LoadedTable,
  quoted: ReadonlySet<number>,
): Mention[] {
  const found: Mention[] = [];
  table.columns.forEach((column, index) => {
    if (column.type !== 'text') return;
    const values = new Set<string>();
    for (const row of table.rows) {
      const value = row.values[index];
      if (typeof value === 'string' && value.length <= 80) values.add(value);
      if (values.size > 5000) break;
    }
    for (const value of values) {
      const lower = value.toLowerCase();
      const words = lower.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      if (words.length === 0) continue;
      for (let start = 0; start + words.length <= tokens.length; start++) {
        const matches = words.every((word, offset) => tokens[start + offset]!.lower === word);
        const whole = tokens[start]!.lower === lower && quoted.has(start);
        if (!matches && !whole) continue;
        const span = whole ? 1 : words.length;
        const weak =
          words.length === 1 &&
          (words[0]!.length < 2 || /^\d+$/.test(words[0]!) || commonWords.has(words[0]!));
        if (weak && !quoted.has(start)) continue;
        found.push({ column: index, start, end: start + span - 1, value, weight: 1.5 + words.length });
      }
    }
  });
  return pickNonOverlapping(found);
}

/** Words that are values in some tables but mostly just words in a question. */
const commonWords = new Set([
  'a',
  'an',
  'the',
  'in',
  'on',
  'of',
  'for',
  'to',
  'and',
  'or',
  'is',
  'are',
  'was',
  'total',
  'sum',
  'count',
  'average',
  'all',
  'how',
  'many',
  'much',
  'what',
  'which',
  'with',
  'by',
  'per',
  'each',
  'yes',
  'no',
  'none',
  'row',
  'rows',
  'item',
  'items',
  'value',
  'values',
  'number',
]);

function pickNonOverlapping(found: Mention[]): Mention[] {
  const sorted = [...found].sort(
    (a, b) => b.end - b.start - (a.end - a.start) || b.weight - a.weight || a.start - b.start,
  );
  const taken: Mention[] = [];
  for (const mention of sorted) {
    if (taken.some((other) => mention.start <= other.end && other.start <= mention.end)) continue;
    taken.push(mention);
  }
  return taken.sort((a, b) => a.start - b.start);
}
