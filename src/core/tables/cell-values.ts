import type { CellValue } from './table.records.js';

/** What one cell turned out to be, before the column decides its type. */
export type CellKind =
  | 'empty'
  | 'integer'
  | 'decimal'
  | 'currency'
  | 'percentage'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'text';

export interface ParsedCell {
  kind: CellKind;
  value: CellValue;
  /** Currency code of a currency cell. */
  unit?: string;
  /** For a day/month date written with slashes: which readings it allows. */
  dateOrder?: 'mdy' | 'dmy' | 'either';
  /** The other reading of an ambiguous date (day-first when `value` is month-first). */
  alternative?: string;
}

/**
 * A cell as a source format gives it: the displayed text and, when the format stores types (XLSX,
 * XLS, ODS), its native value.
 */
export interface SourceCell {
  text: string;
  value?: number | boolean | string;
  kind?: 'number' | 'date' | 'datetime' | 'boolean' | 'percentage' | 'currency' | 'text';
  unit?: string;
}

const currencySymbols: Record<string, string> = {
  '€': 'EUR',
  $: 'USD',
  US$: 'USD',
  '£': 'GBP',
  '¥': 'JPY',
  '₹': 'INR',
  CHF: 'CHF',
  'Fr.': 'CHF',
  kr: 'SEK',
  zł: 'PLN',
  R$: 'BRL',
  C$: 'CAD',
  A$: 'AUD',
};
const currencyCodes = new Set([
  'EUR',
  'USD',
  'GBP',
  'JPY',
  'CHF',
  'CAD',
  'AUD',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'INR',
  'CNY',
  'BRL',
  'MXN',
  'ZAR',
]);

/** The currency code a symbol or code stands for (`€` → EUR), or undefined. */
export function currencyOf(token: string): string | undefined {
  const trimmed = token.trim();
  if (currencyCodes.has(trimmed.toUpperCase())) return trimmed.toUpperCase();
  return currencySymbols[trimmed];
}

const monthNames = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** 1–12 for a month name or its three-letter (or `sept`) abbreviation, else undefined. */
export function monthNumber(word: string): number | undefined {
  const lower = word.toLowerCase().replace(/\.$/, '');
  if (lower.length < 3) return undefined;
  const index = monthNames.findIndex(
    (name) => name === lower || (name.startsWith(lower) && (lower.length === 3 || lower === 'sept')),
  );
  return index === -1 ? undefined : index + 1;
}

/** The English name of month 1–12. */
export function monthName(month: number): string {
  const name = monthNames[month - 1] ?? '';
  return name.charAt(0).toUpperCase() + name.slice(1);
}

const numberBody = String.raw`(?:\d{1,3}(?:[,\u00a0\u202f' ]\d{3})+|\d+)(?:\.\d+)?|\.\d+`;
const europeanBody = String.raw`(?:\d{1,3}(?:[.\u00a0\u202f ]\d{3})+|\d+),\d+`;

/**
 * Reads a number as written in a cell: thousands separators, a leading sign, accounting
 * parentheses, and a decimal comma when the text can only mean one (`12,5`, `1.234,56`).
 * Returns the value and how many decimals it was written with, or undefined.
 */
export function readNumber(text: string): { value: number; decimals: number } | undefined {
  let body = text.trim();
  let negative = false;
  if (/^\(.*\)$/.test(body)) {
    negative = true;
    body = body.slice(1, -1).trim();
  }
  if (/^[-+−–]/.test(body)) {
    negative = body[0] !== '+';
    body = body.slice(1).trim();
  }
  let normalised: string;
  if (new RegExp(`^(?:${numberBody})$`).test(body) && !/^\d+,\d{1,2}$/.test(body)) {
    normalised = body.replace(/[,\u00a0\u202f' ]/g, '');
  } else if (new RegExp(`^(?:${europeanBody})$`).test(body)) {
    normalised = body.replace(/[.\u00a0\u202f ]/g, '').replace(',', '.');
  } else return undefined;
  const value = Number(normalised);
  if (!Number.isFinite(value)) return undefined;
  const dot = normalised.indexOf('.');
  return { value: negative ? -value : value, decimals: dot === -1 ? 0 : normalised.length - dot - 1 };
}

/** Excel's two-digit year rule: 00–29 → 2000s, 30–99 → 1900s. */
function fullYear(year: string): number {
  const value = Number(year);
  if (year.length > 2) return value;
  return value < 30 ? 2000 + value : 1900 + value;
}

function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || year < 1000 || year > 9999) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function withTime(
  date: string,
  hours: string,
  minutes: string,
  seconds = '0',
  half?: string,
): string | undefined {
  let hour = Number(hours);
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (/p/i.test(half) ? 12 : 0);
  }
  const minute = Number(minutes);
  const second = Math.floor(Number(seconds));
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
}

const timePart = String.raw`(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?\s*([ap]\.?m\.?)?(?:Z|[+-]\d{2}:?\d{2})?)?`;

// Compiled once: readDate runs for every cell of every table (100k+ rows per file).
const isoForm = new RegExp(`^(\\d{4})[-/](\\d{1,2})[-/](\\d{1,2})${timePart}$`, 'i');
const dottedForm = new RegExp(`^(\\d{1,2})\\.(\\d{1,2})\\.(\\d{2}|\\d{4})${timePart}$`, 'i');
const slashedForm = new RegExp(`^(\\d{1,2})[/-](\\d{1,2})[/-](\\d{2}|\\d{4})${timePart}$`, 'i');
const dayMonthForm = new RegExp(
  `^(\\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]{3,9})\\.?,?[ -](\\d{2}|\\d{4})${timePart}$`,
  'i',
);
const monthDayForm = new RegExp(
  `^([A-Za-z]{3,9})\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})${timePart}$`,
  'i',
);

/**
 * Reads a date or date-time in the common written forms: ISO (`2024-03-05`, `2024-03-05T14:30`),
 * `2024/03/05`, `05.03.2024`, `3/5/2024` (month first, or day first when the month would be > 12),
 * `5 March 2024`, `March 5, 2024`, `5-Mar-24`. Undefined when the text is not a date.
 */
export function readDate(text: string): ParsedCell | undefined {
  const value = text.trim();
  let match = isoForm.exec(value);
  if (match) {
    const date = isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
    return date ? dated(date, match.slice(4)) : undefined;
  }
  match = dottedForm.exec(value);
  if (match) {
    const date = isoDate(fullYear(match[3]!), Number(match[2]), Number(match[1]));
    return date ? dated(date, match.slice(4)) : undefined;
  }
  match = slashedForm.exec(value);
  if (match) {
    const year = fullYear(match[3]!);
    const first = Number(match[1]);
    const second = Number(match[2]);
    const monthFirst = isoDate(year, first, second);
    const dayFirst = isoDate(year, second, first);
    if (!monthFirst && !dayFirst) return undefined;
    const time = match.slice(4);
    if (monthFirst && dayFirst && monthFirst !== dayFirst) {
      const parsed = dated(monthFirst, time);
      const other = dated(dayFirst, time);
      return parsed && other
        ? { ...parsed, dateOrder: 'either', alternative: String(other.value) }
        : undefined;
    }
    const parsed = dated((monthFirst ?? dayFirst)!, time);
    return parsed ? { ...parsed, dateOrder: monthFirst ? (dayFirst ? 'either' : 'mdy') : 'dmy' } : undefined;
  }
  match = dayMonthForm.exec(value);
  if (match) {
    const month = monthNumber(match[2]!);
    const date = month ? isoDate(fullYear(match[3]!), month, Number(match[1])) : undefined;
    return date ? dated(date, match.slice(4)) : undefined;
  }
  match = monthDayForm.exec(value);
  if (match) {
    const month = monthNumber(match[1]!);
    const date = month ? isoDate(Number(match[3]), month, Number(match[2])) : undefined;
    return date ? dated(date, match.slice(4)) : undefined;
  }
  return undefined;
}

function dated(date: string, time: (string | undefined)[]): ParsedCell | undefined {
  const [hours, minutes, seconds, half] = time;
  if (hours === undefined || minutes === undefined) return { kind: 'date', value: date };
  const stamp = withTime(date, hours, minutes, seconds, half);
  if (!stamp) return undefined;
  return { kind: 'datetime', value: stamp };
}

const booleans: Record<string, boolean> = { true: true, false: false, yes: true, no: false };

/**
 * Reads the text of a cell: a number (with its currency or percent sign), a date, a boolean, or
 * text. Identifiers with leading zeros (`08123`) stay text.
 *
 * @example parseCellText('€1,234.50') // { kind: 'currency', value: 1234.5, unit: 'EUR' }
 */
export function parseCellText(raw: string): ParsedCell {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (text === '') return { kind: 'empty', value: null };
  const lower = text.toLowerCase();
  if (lower in booleans) return { kind: 'boolean', value: booleans[lower]! };
  const percent = /^(.*?)\s?%$/.exec(text);
  if (percent) {
    const number = readNumber(percent[1]!);
    if (number) return { kind: 'percentage', value: round(number.value / 100, number.decimals + 2) };
  }
  const currency = splitCurrency(text);
  if (currency) {
    const number = readNumber(currency.amount);
    if (number) return { kind: 'currency', value: number.value, unit: currency.unit };
  }
  if (/^[+-]?0\d/.test(text) && !/^[+-]?0\d*[.,]\d/.test(text) && /^\d+$/.test(text.replace(/^[+-]/, '')))
    return { kind: 'text', value: text };
  const number = readNumber(text);
  if (number)
    return {
      kind: number.decimals === 0 && Number.isSafeInteger(number.value) ? 'integer' : 'decimal',
      value: number.value,
    };
  const date = readDate(text);
  if (date) return date;
  return { kind: 'text', value: text };
}

/** `€ 12`, `12 €`, `EUR 12`, `12 EUR`, `-$12`, `$-12`: the amount and the currency, else undefined. */
function splitCurrency(text: string): { amount: string; unit: string } | undefined {
  const match =
    /^([-+−–]?)\s?(US\$|R\$|C\$|A\$|[€$£¥₹]|[A-Z]{3}|Fr\.|kr|zł)\s?(.+)$/.exec(text) ??
    /^(.+?)\s?(US\$|[€$£¥₹]|[A-Z]{3}|kr|zł)$/.exec(text);
  if (!match) return undefined;
  const [sign, symbol, amount] =
    match.length === 4 ? [match[1]!, match[2]!, match[3]!] : ['', match[2]!, match[1]!];
  const unit = currencyOf(symbol);
  if (!unit) return undefined;
  return { amount: `${sign}${amount}`, unit };
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(Math.min(decimals, 15)));
}
