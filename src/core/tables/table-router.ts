import { columnMentions } from './column-mentions.js';
import { nameStems, type Token, tokenize, wordMatches } from './question-terms.js';
import { detectIntent } from './rule-parser.js';
import type { StoredTable } from './table.records.js';

/** Words of sheet and file names that say nothing about which table is meant. */
const genericNameWords = new Set([
  'sheet',
  'tabl',
  'data',
  'xlsx',
  'xls',
  'ods',
  'csv',
  'file',
  'book',
  'workbook',
  'export',
  'report',
  'list',
]);

/** How strongly the question names this table itself (sheet, caption, document title or file name). */
export function nameScore(tokens: readonly Token[], table: StoredTable): number {
  let score = 0;
  const sheet = table.sheet.toLowerCase().replace(/\.(csv|tsv)$/, '');
  if (tokens.some((token) => token.lower === sheet || token.lower === table.sheet.toLowerCase())) score += 5;
  const words = new Set(
    [
      table.sheet,
      table.caption ?? '',
      table.documentTitle,
      table.fileName.replace(/\.[a-z0-9]+$/i, ''),
    ].flatMap(nameStems),
  );
  for (const word of words) {
    if (word.length < 3 || genericNameWords.has(word) || /^\d+$/.test(word)) continue;
    if (tokens.some((token) => wordMatches(token, word))) score += 2;
  }
  return score;
}

/** A first ranking of tables from their metadata: names, column names and the values kept as samples. */
export function metadataScore(tokens: readonly Token[], table: StoredTable): number {
  let score = nameScore(tokens, table);
  for (const mention of columnMentions(tokens, table.columns)) score += mention.weight;
  const lowered = new Set(tokens.map((token) => token.lower));
  for (const column of table.columns) {
    for (const sample of column.samples) {
      const lower = sample.toLowerCase();
      if (lower.length > 2 && !/^\d+$/.test(lower) && lowered.has(lower)) score += 1.5;
    }
  }
  return score;
}

/** True when the question asks for a computation at all (count, total, average, min/max, list, top-N). */
export function asksForComputation(question: string): boolean {
  return detectIntent(tokenize(question), question) !== undefined;
}
