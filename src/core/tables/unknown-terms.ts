import type { Mention } from './column-mentions.js';
import type { Token } from './question-terms.js';
import type { LoadedTable } from './table.records.js';

/** Nouns for a money amount that a qualifier in front narrows to something else ("shipping cost"). */
const qualifiedNouns = /^(cost|costs|price|prices|fee|fees|charge|charges)$/;

/** Words that may stand before such a noun without naming another quantity. */
const plainQualifiers = new Set([
  'a',
  'an',
  'the',
  'of',
  'in',
  'was',
  'were',
  'is',
  'are',
  'what',
  'how',
  'much',
  'many',
  'total',
  'average',
  'mean',
  'avg',
  'sum',
  'overall',
  'combined',
  'highest',
  'lowest',
  'largest',
  'smallest',
  'biggest',
  'max',
  'maximum',
  'min',
  'minimum',
  'median',
  'typical',
  'our',
  'their',
  'its',
  'all',
  'each',
  'per',
  'every',
  'and',
  'or',
]);

/**
 * A money noun narrowed by a word the table does not know ("average shipping cost" over a sheet
 * with only Amount): the phrase, so the caller can say the table does not hold it instead of
 * answering with the one money column there is.
 */
export function unknownQualifiedAmount(
  tokens: readonly Token[],
  mentions: readonly Mention[],
): string | undefined {
  const covered = (at: number) => mentions.some((mention) => at >= mention.start && at <= mention.end);
  for (const token of tokens) {
    if (!qualifiedNouns.test(token.lower) || covered(token.index)) continue;
    const before = tokens[token.index - 1];
    if (!before || covered(before.index) || before.quoted) continue;
    if (plainQualifiers.has(before.lower) || !/^\p{L}{3,}$/u.test(before.raw)) continue;
    return `${before.raw} ${token.raw}`;
  }
  return undefined;
}

/**
 * When a text column is filtered by a value no row holds ("region Mars"): a short list of the
 * values it does hold, for the refusal; undefined when some row matches (case-insensitively).
 */
export function absentValue(table: LoadedTable, column: number, value: string): string[] | undefined {
  const wanted = value.toLowerCase();
  const seen = new Set<string>();
  for (const row of table.rows) {
    const cell = row.values[column];
    if (typeof cell !== 'string') continue;
    if (cell.toLowerCase() === wanted) return undefined;
    if (seen.size < 6) seen.add(cell);
  }
  return [...seen];
}
