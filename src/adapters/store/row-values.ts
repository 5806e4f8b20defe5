/**
 * Column values as the two drivers return them: node-postgres gives `Date` for timestamps and
 * parsed objects for `jsonb`; better-sqlite3 gives the stored ISO text and JSON text. The shared
 * row mappers accept both.
 */

/** A timestamp column: PostgreSQL's `Date` or SQLite's stored ISO text. */
export type Instant = Date | string;

/** A JSON column: PostgreSQL's parsed `jsonb` or SQLite's JSON text. */
export type JsonColumn<T> = T | string;

/** The ISO text of a timestamp column (SQLite's text is returned as stored). */
export function instantText(value: Instant): string {
  return value instanceof Date ? value.toISOString() : value;
}

/** The value of a JSON column. */
export function jsonColumn<T>(value: JsonColumn<T>): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** A value for a JSON column parameter: objects as JSON text, everything else as it is. */
export function jsonParameter(value: unknown): unknown {
  return value === undefined
    ? null
    : typeof value === 'object' && value !== null
      ? JSON.stringify(value)
      : value;
}

/**
 * The SET list of an UPDATE from a partial record: the known fields in `columns` (field → column),
 * placeholders from `placeholder(n)` (`$n` or `?`), objects as JSON text, undefined as NULL.
 */
export function updateAssignments(
  change: Record<string, unknown>,
  columns: Readonly<Record<string, string>>,
  placeholder: (n: number) => string,
): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(change)) {
    const column = columns[key];
    if (!column) continue;
    values.push(jsonParameter(value));
    sets.push(`${column} = ${placeholder(values.length)}`);
  }
  return { sets, values };
}
