import type { SourceCell } from '../../core/tables/cell-values.js';
import { type SheetJsCell, sheetJs } from './cfb.js';

/**
 * A SheetJS cell as the table extractor reads it: numbers with a date format become ISO dates
 * (serials of the 1900 or 1904 date system), durations and times stay text, booleans stay booleans.
 */
export function sheetCell(cell: SheetJsCell, text: string, date1904: boolean): SourceCell {
  if (cell.t === 'b') return { text, kind: 'boolean', value: Boolean(cell.v) };
  if (cell.t === 'e') return { text, kind: 'text' };
  if (cell.t === 'd' && cell.v instanceof Date) return { text, ...isoOf(cell.v) };
  if (cell.t !== 'n' || typeof cell.v !== 'number') return { text, kind: 'text' };
  const format = cell.z ?? 'General';
  if (format !== 'General' && isDateFormat(format)) {
    if (!/[dy]/i.test(format.replace(/\[[^\]]*\]|"[^"]*"/g, ''))) return { text, kind: 'text' }; // a time or duration
    const parts = sheetJs.SSF.parse_date_code(cell.v, { date1904 });
    if (!parts) return { text, kind: 'text' };
    const date = `${pad(parts.y, 4)}-${pad(parts.m)}-${pad(parts.d)}`;
    const hasTime =
      /[hs]/i.test(format.replace(/\[[^\]]*\]|"[^"]*"/g, '')) && (parts.H || parts.M || parts.S);
    return hasTime
      ? { text, kind: 'datetime', value: `${date}T${pad(parts.H)}:${pad(parts.M)}:${pad(parts.S)}` }
      : { text, kind: 'date', value: date };
  }
  return { text, kind: 'number', value: cell.v };
}

function isDateFormat(format: string): boolean {
  try {
    return sheetJs.SSF.is_date(format);
  } catch {
    return false;
  }
}

function isoOf(date: Date): Pick<SourceCell, 'kind' | 'value'> {
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return time === '00:00:00' ? { kind: 'date', value: day } : { kind: 'datetime', value: `${day}T${time}` };
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}
