import { distance } from 'fastest-levenshtein';
import { stem } from 'porter2';
import { currencyOf, monthNumber, readNumber } from './cell-values.js';

/** One word (or number, or symbol) of a question with where it is. */
export interface Token {
  /** As written. */
  raw: string;
  /** Lower-cased. */
  lower: string;
  /** Porter2 stem (numbers and symbols as they are). */
  stem: string;
  index: number;
  /** Written in quotes. */
  quoted?: boolean;
}

const tokenPattern =
  /"[^"]+"|“[^”]+”|'[^']+'(?=\s|$|[?.,!])|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|[€$£¥]|[<>]=?|=|%|[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;

/** Splits a question into tokens (quoted phrases stay one token, without their quotes). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(tokenPattern)) {
    let raw = match[0];
    const quoted = /^["“']/.test(raw);
    if (quoted) raw = raw.slice(1, -1);
    const lower = raw.toLowerCase();
    tokens.push({ raw, lower, stem: stemWord(lower), index: tokens.length, ...(quoted ? { quoted } : {}) });
  }
  return tokens;
}

/** Stem of one lower-cased word (words only; numbers and symbols unchanged). */
export function stemWord(word: string): string {
  return /^[a-z]+$/.test(word) ? stem(word) : word;
}

/** Words of a name (column, sheet, value) as stems, split on anything but letters and digits. */
export function nameStems(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map(stemWord);
}

/** True when a question word matches a name word: same stem, or a small typo in a longer word. */
export function wordMatches(token: Token, word: string): boolean {
  if (token.stem === word || token.lower === word) return true;
  if (/\d/.test(word) || /\d/.test(token.lower)) return false;
  const length = Math.min(word.length, token.stem.length);
  if (length < 5) return false;
  return distance(token.stem, word) <= (length >= 8 ? 2 : 1);
}

/** Where a sequence of name words occurs in the tokens (consecutive), from `from`. */
export function findSequence(tokens: readonly Token[], words: readonly string[], from = 0): number[] {
  const starts: number[] = [];
  if (words.length === 0) return starts;
  for (let at = from; at + words.length <= tokens.length; at++) {
    if (words.every((word, offset) => wordMatches(tokens[at + offset]!, word))) starts.push(at);
  }
  return starts;
}

/** A number written in the question, with the currency or percent sign beside it. */
export interface NumberMention {
  value: number;
  start: number;
  end: number;
  unit?: string;
  percent?: boolean;
  raw: string;
}

const wordNumbers: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  twenty: 20,
};

/** The numbers of the question, each with a unit next to it (`100 EUR`, `€100`, `15%`). */
export function numbersIn(tokens: readonly Token[]): NumberMention[] {
  const numbers: NumberMention[] = [];
  tokens.forEach((token, index) => {
    const parsed =
      readNumber(token.raw.replace(/^\+/, '')) ??
      (token.lower in wordNumbers ? { value: wordNumbers[token.lower]! } : undefined);
    if (!parsed || /^\d{4}-\d{2}-\d{2}$/.test(token.raw) || /[/]/.test(token.raw)) return;
    const before = tokens[index - 1];
    const after = tokens[index + 1];
    const mention: NumberMention = { value: parsed.value, start: index, end: index, raw: token.raw };
    const unitBefore = before ? currencyOf(before.raw) : undefined;
    const unitAfter = after ? (currencyOf(after.raw) ?? currencyOf(after.raw.toUpperCase())) : undefined;
    if (after?.raw === '%' || after?.lower === 'percent') {
      mention.percent = true;
      mention.end = index + 1;
    } else if (
      unitAfter &&
      (after!.raw.length <= 3 || after!.raw === after!.raw.toUpperCase()) &&
      !/^[a-z]{2}$/.test(after!.raw)
    ) {
      mention.unit = unitAfter;
      mention.end = index + 1;
    } else if (after && /^(euros?|dollars?|pounds?)$/.test(after.lower)) {
      mention.unit = after.lower.startsWith('euro')
        ? 'EUR'
        : after.lower.startsWith('dollar')
          ? 'USD'
          : 'GBP';
      mention.end = index + 1;
    } else if (unitBefore && before && before.raw.length <= 3 && before.raw !== before.lower) {
      mention.unit = unitBefore;
      mention.start = index - 1;
    } else if (unitBefore && before && /^[€$£¥]$/.test(before.raw)) {
      mention.unit = unitBefore;
      mention.start = index - 1;
    }
    numbers.push(mention);
  });
  return numbers;
}

/** A date condition written in the question. */
export type DateMention =
  | { kind: 'month'; month: number; year?: number; start: number; end: number }
  | { kind: 'year'; year: number; start: number; end: number }
  | { kind: 'range'; from: string; to: string; start: number; end: number }
  | { kind: 'after' | 'before' | 'on'; date: string; start: number; end: number };

const isYear = (token: Token | undefined) => !!token && /^(19|20)\d{2}$/.test(token.raw);

/** A calendar date at `index` (ISO, 3/5/2024, "5 March 2024", "March 5, 2024", "March 2024" = its first day). */
function dateAt(
  tokens: readonly Token[],
  index: number,
): { date: string; end: number; month?: boolean } | undefined {
  const token = tokens[index];
  if (!token) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(token.raw)) return { date: token.raw, end: index };
  const slash = /^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})$/.exec(token.raw);
  if (slash) {
    const year = slash[3]!.length === 2 ? 2000 + Number(slash[3]) : Number(slash[3]);
    const [month, day] = token.raw.includes('.')
      ? [Number(slash[2]), Number(slash[1])]
      : [Number(slash[1]), Number(slash[2])];
    return { date: iso(year, month, day), end: index };
  }
  const month = monthNumber(token.lower);
  if (month && /^\d{1,2}(st|nd|rd|th)?$/.test(tokens[index + 1]?.lower ?? '') && isYear(tokens[index + 2])) {
    return {
      date: iso(Number(tokens[index + 2]!.raw), month, Number.parseInt(tokens[index + 1]!.raw, 10)),
      end: index + 2,
    };
  }
  if (month && isYear(tokens[index + 1]))
    return { date: iso(Number(tokens[index + 1]!.raw), month, 1), end: index + 1, month: true };
  const dayMonth = /^\d{1,2}$/.test(token.raw) ? monthNumber(tokens[index + 1]?.lower ?? '') : undefined;
  if (dayMonth && isYear(tokens[index + 2]))
    return { date: iso(Number(tokens[index + 2]!.raw), dayMonth, Number(token.raw)), end: index + 2 };
  if (isYear(token)) return { date: `${token.raw}-01-01`, end: index };
  return undefined;
}

function iso(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function lastDay(date: string, month?: boolean, yearOnly?: boolean): string {
  const [year, mm] = date.split('-').map(Number) as [number, number];
  if (yearOnly) return `${year}-12-31`;
  if (!month) return date;
  const days = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  return iso(year, mm, days);
}

/** Date conditions: "in March (2024)", "in 2024", "between … and …", "after …", "before …", "on …". */
export function datesIn(tokens: readonly Token[]): DateMention[] {
  const found: DateMention[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const word = tokens[index]!.lower;
    if ((word === 'between' || word === 'from') && dateAt(tokens, index + 1)) {
      const first = dateAt(tokens, index + 1)!;
      const joiner = tokens[first.end + 1]?.lower;
      const second =
        joiner === 'and' || joiner === 'to' || joiner === 'until' ? dateAt(tokens, first.end + 2) : undefined;
      if (second) {
        const yearOnly = isYear(tokens[first.end + 2]) && second.end === first.end + 2;
        found.push({
          kind: 'range',
          from: first.date,
          to: lastDay(second.date, second.month, yearOnly),
          start: index,
          end: second.end,
        });
        index = second.end;
        continue;
      }
    }
    if (/^(after|since|before|until|on)$/.test(word) && dateAt(tokens, index + 1)) {
      const at = dateAt(tokens, index + 1)!;
      const kind = word === 'on' ? 'on' : word === 'before' || word === 'until' ? 'before' : 'after';
      const yearOnly = isYear(tokens[index + 1]) && at.end === index + 1;
      const date = kind === 'after' && word === 'after' ? lastDay(at.date, at.month, yearOnly) : at.date;
      found.push({ kind, date, start: index, end: at.end });
      index = at.end;
      continue;
    }
    const month = monthNumber(word);
    const previous = tokens[index - 1]?.lower;
    if (
      month &&
      (word.length > 3 || /^(in|during|of|for)$/.test(previous ?? '')) &&
      !(word === 'may' && !/^(in|during|of|for)$/.test(previous ?? ''))
    ) {
      const year = isYear(tokens[index + 1]) ? Number(tokens[index + 1]!.raw) : undefined;
      if (/^\d{1,2}$/.test(tokens[index + 1]?.raw ?? '') && isYear(tokens[index + 2])) continue;
      found.push({
        kind: 'month',
        month,
        ...(year ? { year } : {}),
        start: index,
        end: year ? index + 1 : index,
      });
      if (year) index++;
      continue;
    }
    if (isYear(tokens[index]) && /^(in|during|of|for|year)$/.test(previous ?? '')) {
      found.push({ kind: 'year', year: Number(tokens[index]!.raw), start: index - 1, end: index });
    }
  }
  return found;
}
