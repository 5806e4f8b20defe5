import { currencyOf } from './cell-values.js';
import { columnMentions, type Mention, valueMentions } from './column-mentions.js';
import type { Aggregate, PlanFilter, TablePlan } from './query-plan.js';
import { datesIn, numbersIn, type Token, tokenize } from './question-terms.js';
import { isDateType, isNumericType, type LoadedTable, type TableColumn } from './table.records.js';
import { absentValue, unknownQualifiedAmount } from './unknown-terms.js';

/** What the rules made of a question over one table. */
export type RuleOutcome =
  | { kind: 'plan'; plan: TablePlan; score: number }
  | { kind: 'refusal'; reason: string; score: number }
  | { kind: 'none' };

interface Intent {
  aggregate: Aggregate;
  /** Token index of the keyword, to find the measure after it. */
  at: number;
  limit?: number;
  direction?: 'asc' | 'desc';
}

const maxWords =
  /^(highest|largest|biggest|maximum|max|greatest|most|heaviest|longest|latest|newest|top|best|peak)$/;
const minWords =
  /^(lowest|smallest|minimum|min|least|cheapest|earliest|oldest|fewest|lightest|shortest|bottom|worst)$/;

/** The kind of computation a question asks for, or undefined when it asks for none. */
export function detectIntent(tokens: readonly Token[], text: string): Intent | undefined {
  const lower = text.toLowerCase();
  const find = (pattern: RegExp) => tokens.findIndex((token) => pattern.test(token.lower));
  const top =
    /\b(top|first|bottom|last)\s+(\d+|three|five|ten)\b/.exec(lower) ??
    /\b(\d+)\s+(highest|largest|biggest|lowest|smallest|most|least|cheapest)\b/.exec(lower);
  if (top) {
    const count = Number(
      top[2] && /^\d+$/.test(top[2])
        ? top[2]
        : top[1] && /^\d+$/.test(top[1])
          ? top[1]
          : ({ three: 3, five: 5, ten: 10 }[top[2] ?? ''] ?? 0),
    );
    const ascending = /bottom|lowest|smallest|least|cheapest/.test(top[0]);
    if (count > 0)
      return {
        aggregate: 'list',
        at: find(/^(top|first|bottom|last|\d+)$/),
        limit: count,
        direction: ascending ? 'asc' : 'desc',
      };
  }
  if (/\bhow many\b|\bnumber of\b|\bcount\b|\bhow often\b/.test(lower)) {
    const distinct = /\b(distinct|different|unique)\b/.test(lower);
    return {
      aggregate: distinct ? 'countDistinct' : 'count',
      at: find(distinct ? /^(distinct|different|unique)$/ : /^(many|number|count|often)$/),
    };
  }
  if (/\b(average|mean|avg)\b/.test(lower)) return { aggregate: 'avg', at: find(/^(average|mean|avg)$/) };
  if (/\b(total|sum|how much|combined|altogether)\b/.test(lower))
    return { aggregate: 'sum', at: find(/^(total|sum|much|combined|altogether)$/) };
  if (/\bmost expensive\b/.test(lower)) return { aggregate: 'max', at: find(/^expensive$/) };
  const max = find(maxWords);
  const min = find(minWords);
  if (max !== -1 && (min === -1 || max < min)) return { aggregate: 'max', at: max };
  if (min !== -1) return { aggregate: 'min', at: min };
  if (
    /^(list|show|which|what are|what were|give me|display|find)\b|\b(list|show me|display)\b/.test(
      lower.trim(),
    )
  ) {
    return { aggregate: 'list', at: 0 };
  }
  return undefined;
}

const comparatorWords: [RegExp, PlanFilter['op']][] = [
  [/^(at least|no less than|not less than|minimum of|>=|≥)$/, 'gte'],
  [/^(at most|no more than|not more than|up to|maximum of|<=|≤)$/, 'lte'],
  [
    /^(over|above|more than|greater than|higher than|larger than|bigger than|exceeding|exceeds|exceeded|>|beyond)$/,
    'gt',
  ],
  [/^(under|below|less than|fewer than|lower than|smaller than|<|cheaper than)$/, 'lt'],
  [/^(equal to|equals|exactly|=|of exactly)$/, 'eq'],
];

/** The comparison written just before a number ("more than 100"), with where it starts. */
function comparatorBefore(
  tokens: readonly Token[],
  at: number,
): { op: PlanFilter['op']; start: number } | undefined {
  for (const size of [3, 2, 1]) {
    const start = at - size;
    if (start < 0) continue;
    const phrase = tokens
      .slice(start, at)
      .map((token) => token.lower)
      .join(' ');
    for (const [pattern, op] of comparatorWords) if (pattern.test(phrase)) return { op, start };
  }
  return undefined;
}

const fillers = new Set([
  'is',
  'are',
  'was',
  'were',
  'of',
  'with',
  'a',
  'an',
  'the',
  'has',
  'have',
  'had',
  'its',
  'their',
  'value',
  'where',
  'whose',
  'that',
  'be',
  'being',
]);

/** The column mention ending just before `at`, across filler words ("with Amount over", "weight is above"). */
function mentionBefore(
  mentions: readonly Mention[],
  tokens: readonly Token[],
  at: number,
): Mention | undefined {
  let cursor = at - 1;
  while (cursor >= 0 && fillers.has(tokens[cursor]!.lower)) cursor--;
  return mentions.find((mention) => mention.end === cursor && mention.value === undefined);
}

/** True when the column holds identifiers (Id, No, #) rather than quantities. */
function identifierLike(column: TableColumn): boolean {
  return (
    column.type === 'integer' && /^(id|no|nr|#|number|item|index|row|key|code)\b/i.test(column.name.trim())
  );
}

/**
 * The rule-based parser: turns an English question into a plan over one table (count / total /
 * average / min / max / list / top-N, conditions by value, comparison, range, month, year, contains,
 * per-group), or a refusal naming what is missing, or `none` when it asks for no computation.
 */
export function parseQuestion(question: string, table: LoadedTable): RuleOutcome {
  const tokens = tokenize(question);
  const intent = detectIntent(tokens, question);
  if (!intent) return { kind: 'none' };
  const quoted = new Set(tokens.flatMap((token, index) => (token.quoted ? [index] : [])));
  const columns = table.columns;
  const named = columnMentions(tokens, columns);
  const values = valueMentions(tokens, table, quoted).filter(
    (value) => !named.some((m) => value.start <= m.end && m.start <= value.end),
  );
  const used = new Set<number>();
  const filters: PlanFilter[] = [];
  const filterColumns = new Set<number>();
  const addFilter = (filter: PlanFilter, column: number, ...spans: [number, number][]) => {
    filters.push(filter);
    filterColumns.add(column);
    for (const [from, to] of spans) for (let at = from; at <= to; at++) used.add(at);
  };
  const columnSpan = (mention: Mention): [number, number] => [mention.start, mention.end];
  let score =
    named.reduce((sum, mention) => sum + mention.weight, 0) +
    values.reduce((sum, mention) => sum + mention.weight, 0);

  // Explicit "column X" naming a column this table lacks.
  const explicit = explicitColumnName(question);
  if (explicit && !columnMentions(tokenize(explicit), columns).some((mention) => mention.weight >= 2)) {
    return {
      kind: 'refusal',
      reason: `the table has no column “${explicit}” (its columns are ${columns.map((c) => c.name).join(', ')})`,
      score: score + 3,
    };
  }

  // Dates.
  for (const date of datesIn(tokens)) {
    const dateColumns = columns
      .map((column, index) => ({ column, index }))
      .filter(({ column }) => isDateType(column.type));
    const mentioned = named.find((mention) => isDateType(columns[mention.column]!.type));
    const target = mentioned?.column ?? dateColumns[0]?.index;
    if (target === undefined) {
      return {
        kind: 'refusal',
        reason: `the table has no date column to match ${tokens
          .slice(date.start, date.end + 1)
          .map((t) => t.raw)
          .join(' ')} against`,
        score: score + 1,
      };
    }
    const name = columns[target]!.name;
    const span: [number, number] = [date.start, date.end];
    if (date.kind === 'month')
      addFilter(
        { column: name, op: 'month', value: date.month, ...(date.year ? { value2: date.year } : {}) },
        target,
        span,
      );
    else if (date.kind === 'year') addFilter({ column: name, op: 'year', value: date.year }, target, span);
    else if (date.kind === 'range')
      addFilter({ column: name, op: 'between', value: date.from, value2: date.to }, target, span);
    else
      addFilter(
        {
          column: name,
          op: date.kind === 'after' ? 'gt' : date.kind === 'before' ? 'lt' : 'eq',
          value: date.date,
        },
        target,
        span,
      );
    if (mentioned) used.add(mentioned.start);
    score += 1;
  }

  // Numeric conditions.
  const numbers = numbersIn(tokens).filter(
    (number) =>
      !used.has(number.start) && !values.some((v) => number.start >= v.start && number.start <= v.end),
  );
  for (let i = 0; i < numbers.length; i++) {
    const number = numbers[i]!;
    if (intent.limit !== undefined && number.value === intent.limit && number.start <= intent.at + 1)
      continue;
    if (named.some((mention) => number.start >= mention.start && number.start <= mention.end)) continue;
    const between =
      tokens[number.start - 1]?.lower === 'between' || tokens[number.start - 1]?.lower === 'from';
    const next = numbers[i + 1];
    const joined =
      next && /^(and|to)$/.test(tokens[number.end + 1]?.lower ?? '') && next.start === number.end + 2;
    const comparator =
      between && joined
        ? { op: 'between' as const, start: number.start - 1 }
        : comparatorBefore(tokens, number.start);
    const after = tokens[number.end + 1]?.lower;
    const trailing =
      after === 'or' && /^(more|above|greater|higher)$/.test(tokens[number.end + 2]?.lower ?? '')
        ? 'gte'
        : after === 'or' && /^(less|fewer|below|lower)$/.test(tokens[number.end + 2]?.lower ?? '')
          ? 'lte'
          : undefined;
    // A quantity named right after the number ("more than 5 bends") beats one before a verb ("items have").
    const following = named.find(
      (mention) =>
        mention.start === number.end + 1 &&
        mention.value === undefined &&
        isNumericType(columns[mention.column]!.type),
    );
    const before = comparator
      ? mentionBefore(named, tokens, comparator.start)
      : mentionBefore(named, tokens, number.start);
    // "orders over 100 EUR": a money amount belongs to a currency column, not to the noun before it.
    const near =
      following ??
      (before && number.unit && !number.percent && columns[before.column]!.type !== 'currency'
        ? undefined
        : before);
    if (!comparator && !trailing && !near) continue;
    const op = comparator?.op ?? trailing ?? 'eq';
    const target = near?.column ?? numericColumnFor(columns, number, named, tokens, number.end);
    if (typeof target === 'string') return { kind: 'refusal', reason: target, score: score + 2 };
    if (!isNumericType(columns[target]!.type)) {
      return {
        kind: 'refusal',
        reason: `column ${columns[target]!.name} holds ${columns[target]!.type === 'text' ? 'text' : columns[target]!.type}; it cannot be compared with ${number.raw}`,
        score: score + 2,
      };
    }
    const shown = number.percent
      ? `${number.value}%`
      : number.unit
        ? `${number.value} ${number.unit}`
        : number.value;
    const filter: PlanFilter =
      op === 'between' && next
        ? {
            column: columns[target]!.name,
            op,
            value: shown,
            value2: next.unit ? `${next.value} ${next.unit}` : next.percent ? `${next.value}%` : next.value,
          }
        : { column: columns[target]!.name, op, value: shown };
    addFilter(
      filter,
      target,
      [
        comparator?.start ?? number.start,
        (op === 'between' && next ? next.end : number.end) + (trailing ? 2 : 0),
      ],
      ...(near ? [columnSpan(near)] : []),
    );
    if (following) used.add(following.start);
    if (op === 'between') i++;
    score += 1;
  }

  // Equality by a named value ("West", "blue"), or "<column> <value>".
  for (const value of values) {
    if ([...used].some((at) => at >= value.start && at <= value.end)) continue;
    const before = mentionBefore(named, tokens, value.start);
    addFilter(
      {
        column: columns[value.column]!.name,
        op: negatedAt(tokens, value.start) ? 'ne' : 'eq',
        value: value.value!,
      },
      value.column,
      [value.start, value.end],
      ...(before?.column === value.column ? [columnSpan(before)] : []),
    );
  }
  for (const mention of named) {
    const column = columns[mention.column]!;
    if (used.has(mention.start) || column.type !== 'text') continue;
    const contains = containsAfter(tokens, mention.end);
    if (contains) {
      addFilter({ column: column.name, op: 'contains', value: contains.text }, mention.column, [
        mention.start,
        contains.end,
      ]);
      continue;
    }
    const next = tokens[mention.end + 1];
    const word =
      next && (next.lower === 'is' || next.lower === '=' || next.lower === 'equals')
        ? tokens[mention.end + 2]
        : /^(for|in|where|with|of)$/.test(tokens[mention.start - 1]?.lower ?? '')
          ? next
          : undefined;
    if (word && (word.quoted || /^\p{Lu}/u.test(word.raw)) && !values.some((v) => v.start === word.index)) {
      const held = absentValue(table, mention.column, word.raw);
      if (held)
        return {
          kind: 'refusal',
          reason: `no row has ${column.name} “${word.raw}” (${column.name} values include ${held.join(', ')})`,
          score: score + 2,
        };
      addFilter({ column: column.name, op: 'eq', value: word.raw }, mention.column, [
        mention.start,
        word.index,
      ]);
    }
  }
  const bareContains = containsAfter(tokens, -1, true);
  if (bareContains && !filters.some((filter) => filter.op === 'contains')) {
    const text = columns.findIndex((column) => column.type === 'text');
    if (text !== -1)
      addFilter({ column: columns[text]!.name, op: 'contains', value: bareContains.text }, text, [
        bareContains.start,
        bareContains.end,
      ]);
  }

  // Group by: "per X", "by X", "for each X".
  let groupBy: number | undefined;
  for (const mention of named) {
    const before = tokens
      .slice(Math.max(0, mention.start - 2), mention.start)
      .map((token) => token.lower)
      .join(' ');
    if (
      /(^|\s)(per|each|by)$/.test(before) &&
      !/(sorted|ordered|sort|order) by$/.test(before) &&
      intent.limit === undefined &&
      !used.has(mention.start)
    ) {
      groupBy = mention.column;
      used.add(mention.start);
    }
  }

  // The measure: a named column not used as a condition, nearest after the keyword.
  const free = named.filter((mention) => !used.has(mention.start) && mention.column !== groupBy);
  const wantsNumber = intent.aggregate === 'sum' || intent.aggregate === 'avg';
  const fits = (column: TableColumn) =>
    wantsNumber
      ? isNumericType(column.type)
      : intent.aggregate === 'min' || intent.aggregate === 'max' || intent.limit !== undefined
        ? isNumericType(column.type) || isDateType(column.type)
        : true;
  const ranked = [...free].sort((a, b) => Math.abs(a.start - intent.at) - Math.abs(b.start - intent.at));
  let measure =
    ranked.find((mention) => mention.start > intent.at && fits(columns[mention.column]!)) ??
    ranked.find((mention) => fits(columns[mention.column]!));
  const labelMention = /^(which|what|who)$/.test(tokens[0]?.lower ?? '')
    ? free.find((mention) => mention.start <= 2 && mention !== measure)
    : undefined;
  if ((intent.aggregate !== 'count' && intent.aggregate !== 'list') || intent.limit !== undefined) {
    if (!measure) {
      const implied = impliedMeasure(question, columns, intent.aggregate);
      if (implied === undefined) {
        if (intent.aggregate === 'countDistinct') {
          const textMention = free[0];
          if (textMention) measure = textMention;
        }
        if (!measure) {
          const mentioned = ranked[0] ? columns[ranked[0].column]! : undefined;
          const reason = mentioned
            ? `column ${mentioned.name} holds ${mentioned.type === 'text' ? 'text' : mentioned.type}; it cannot be ${wantsNumber ? (intent.aggregate === 'sum' ? 'added up' : 'averaged') : 'ranked'}`
            : `the question does not say which column to ${intent.aggregate === 'sum' ? 'add up' : intent.aggregate === 'avg' ? 'average' : 'rank'} (numeric columns: ${
                columns
                  .filter((c) => isNumericType(c.type))
                  .map((c) => c.name)
                  .join(', ') || 'none'
              })`;
          return { kind: 'refusal', reason, score };
        }
      } else {
        const unknown = unknownQualifiedAmount(tokens, [...named, ...values]);
        if (unknown)
          return {
            kind: 'refusal',
            reason: `the table has no column for ${unknown} (its columns are ${columns.map((c) => c.name).join(', ')})`,
            score: score + 2,
          };
        measure = { column: implied, start: -1, end: -1, weight: 0 };
      }
    }
  }
  const plan: TablePlan = { filters, aggregate: intent.aggregate };
  if (intent.limit !== undefined && measure) {
    plan.aggregate = 'list';
    plan.orderBy = { column: columns[measure.column]!.name, direction: intent.direction ?? 'desc' };
    plan.limit = intent.limit;
    const label =
      labelMention ?? free.find((mention) => mention !== measure && columns[mention.column]!.type === 'text');
    if (label) plan.label = columns[label.column]!.name;
  } else if (measure && intent.aggregate !== 'count' && intent.aggregate !== 'list')
    plan.column = columns[measure.column]!.name;
  if (groupBy !== undefined) plan.groupBy = columns[groupBy]!.name;
  // "Which orders …" / "List the orders …": the list shows the column the question names first.
  if (plan.aggregate === 'list' && intent.limit === undefined && !plan.label) {
    const subject =
      labelMention ?? free.find((mention) => mention.start <= 3 && !filterColumns.has(mention.column));
    if (subject) plan.label = columns[subject.column]!.name;
  }
  if (
    (plan.aggregate === 'min' || plan.aggregate === 'max') &&
    /^(which|what|who)$/.test(tokens[0]?.lower ?? '')
  ) {
    const fallback = columns.findIndex(
      (column, index) => column.type === 'text' && !filterColumns.has(index),
    );
    const label = labelMention?.column ?? (fallback === -1 ? undefined : fallback);
    if ((label !== undefined && /^(which|who)$/.test(tokens[0]!.lower)) || labelMention)
      plan.label = columns[label!]!.name;
  }
  // "in USD" when the amounts are in EUR: the table does not say.
  const asked = tokens.find(
    (token, index) =>
      !numbers.some((n) => index >= n.start && index <= n.end) &&
      /^(?:[A-Z]{3}|[€$£¥])$/.test(token.raw) &&
      currencyOf(token.raw),
  );
  const measured = plan.column ? columns.find((column) => column.name === plan.column) : undefined;
  if (asked && measured?.type === 'currency' && measured.unit && currencyOf(asked.raw) !== measured.unit) {
    return {
      kind: 'refusal',
      reason: `the amounts in ${measured.name} are in ${measured.unit}, not ${currencyOf(asked.raw)}`,
      score: score + 2,
    };
  }
  if (plan.aggregate === 'list' && plan.limit === undefined) {
    if (filters.length === 0 && named.length === 0) return { kind: 'none' };
    const sorted = /\b(sorted|ordered)\s+by\b/i.exec(question);
    const orderMention = sorted
      ? named.find((mention) => tokens[mention.start - 1]?.lower === 'by')
      : undefined;
    if (orderMention)
      plan.orderBy = {
        column: columns[orderMention.column]!.name,
        direction: /\b(desc|descending|highest first|largest first)\b/i.test(question) ? 'desc' : 'asc',
      };
  }
  // A question with nothing that ties it to this table is not about it.
  if (score === 0 && filters.length === 0) return { kind: 'none' };
  return { kind: 'plan', plan, score: score + filters.length };
}

function negatedAt(tokens: readonly Token[], at: number): boolean {
  const before = tokens.slice(Math.max(0, at - 2), at).map((token) => token.lower);
  return (
    before.includes('not') ||
    before.includes('except') ||
    before.includes('excluding') ||
    before.includes('other')
  );
}

function containsAfter(
  tokens: readonly Token[],
  at: number,
  anywhere = false,
): { text: string; start: number; end: number } | undefined {
  for (let index = at + 1; index < tokens.length; index++) {
    const word = tokens[index]!.lower;
    if (
      /^(contains|containing|contain|including|includes|like|mentioning)$/.test(word) &&
      tokens[index + 1]
    ) {
      return { text: tokens[index + 1]!.raw, start: index, end: index + 1 };
    }
    if (!anywhere && index > at + 2) return undefined;
  }
  return undefined;
}

/** The measure a question implies without naming it: money for "how much" / "most expensive", dates for "latest". */
function impliedMeasure(
  question: string,
  columns: readonly TableColumn[],
  aggregate: Aggregate,
): number | undefined {
  const lower = question.toLowerCase();
  const pick = (test: (column: TableColumn) => boolean) => {
    const matches = columns.map((column, index) => ({ column, index })).filter(({ column }) => test(column));
    return matches.length === 1 ? matches[0]!.index : undefined;
  };
  if (
    /\b(latest|earliest|newest|oldest|most recent|first|last)\b/.test(lower) &&
    (aggregate === 'min' || aggregate === 'max')
  ) {
    const date = pick((column) => isDateType(column.type));
    if (date !== undefined) return date;
  }
  const money = pick((column) => column.type === 'currency');
  if (
    money !== undefined &&
    /\b(how much|expensive|cheapest|revenue|spent|spend|cost|paid|sales|amount|money)\b|[€$£]|\b(eur|usd|gbp)\b/.test(
      lower,
    )
  )
    return money;
  if (aggregate === 'sum' || aggregate === 'avg' || aggregate === 'min' || aggregate === 'max') {
    return pick((column) => isNumericType(column.type) && !identifierLike(column));
  }
  return undefined;
}

/** The numeric column a bare number refers to: by its unit, a column named after it, or the only quantity. */
function numericColumnFor(
  columns: readonly TableColumn[],
  number: { unit?: string; percent?: boolean; raw: string },
  named: readonly Mention[],
  tokens: readonly Token[],
  end: number,
): number | string {
  const candidates = columns.map((column, index) => ({ column, index }));
  if (number.unit) {
    const money = candidates.filter(
      ({ column }) => column.type === 'currency' && (!column.unit || column.unit === number.unit),
    );
    if (money.length === 1) return money[0]!.index;
    const other = candidates.filter(({ column }) => column.type === 'currency');
    if (other.length > 0 && money.length === 0)
      return `the amounts in the table are in ${other.map(({ column }) => column.unit).join(', ')}, not ${number.unit}`;
  }
  if (number.percent) {
    const percent = candidates.filter(({ column }) => column.type === 'percentage');
    if (percent.length === 1) return percent[0]!.index;
  }
  const following = named.find((mention) => mention.start === end + 1 || mention.start === end + 2);
  if (following && isNumericType(columns[following.column]!.type) && tokens[end + 1]?.lower !== 'and')
    return following.column;
  const quantities = candidates.filter(({ column }) => isNumericType(column.type) && !identifierLike(column));
  if (quantities.length === 1) return quantities[0]!.index;
  return `the question does not say which column should be compared with ${number.raw} (numeric columns: ${quantities.map(({ column }) => column.name).join(', ') || 'none'})`;
}

/** The column a question names explicitly ("column Discount", "the “Discount” column"). */
export function explicitColumnName(question: string): string | undefined {
  const match =
    /\bcolumns?\s+["“']?([\p{L}\p{N} _/-]+?)["”']?(?=\s+(?:for|where|in|with|over|under|by|per|of|when|and)\b|[?.,!]|$)/iu.exec(
      question,
    ) ?? /["“']([^"”']+)["”']\s+column\b/iu.exec(question);
  return match?.[1]?.trim() || undefined;
}
