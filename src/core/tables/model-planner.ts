import type { LanguageModel, TokenUsage } from '../../ports/language-model.port.js';
import { type TablePlan, TablePlanSchema } from './query-plan.js';
import type { LoadedTable } from './table.records.js';

/** What the model said: a plan for one of the tables, a refusal, or nothing usable. */
export type ModelPlanOutcome =
  | { kind: 'plan'; plan: TablePlan; tableIndex: number; model: string; usage: TokenUsage }
  | { kind: 'declined'; reason: string; model: string; usage: TokenUsage }
  | { kind: 'invalid'; problem: string; model: string; usage: TokenUsage };

const samplesPerColumn = 6;

/** The schemas the model sees: per table its name, columns with types, units and a few values. */
export function describeTables(tables: readonly LoadedTable[]): string {
  return tables
    .map((table, index) => {
      const columns = table.columns.map((column) => {
        const samples = column.samples
          .slice(0, samplesPerColumn)
          .map((sample) => JSON.stringify(sample.slice(0, 40)));
        return `  - ${JSON.stringify(column.name)}: ${column.type}${column.unit ? ` (${column.unit})` : ''}${samples.length ? `, e.g. ${samples.join(', ')}` : ''}`;
      });
      return `T${index + 1}: sheet ${JSON.stringify(table.sheet)} of ${JSON.stringify(table.fileName)}, ${table.rowCount} rows\n${columns.join('\n')}`;
    })
    .join('\n\n');
}

export function planPrompt(question: string, tables: readonly LoadedTable[]): string {
  return [
    'You translate a question about spreadsheet tables into one JSON query plan. Answer with the JSON object only.',
    'Plan: {"table":"T1","filters":[{"column":"…","op":"eq|ne|gt|gte|lt|lte|between|contains|month|year|empty|notEmpty","value":…,"value2":…}],',
    '"aggregate":"count|countDistinct|sum|avg|min|max|list","column":"…","groupBy":"…","orderBy":{"column":"…","direction":"asc|desc"},"limit":N,"label":"…"}.',
    'Use column names exactly as listed. Dates are ISO (YYYY-MM-DD); "month" takes value 1-12 and optional value2 = year; "year" takes value = year.',
    'Amounts may carry their currency ("100 EUR"). Leave out keys you do not need.',
    'If no table can answer the question, reply {"table":null,"reason":"…"}.',
    '',
    'Tables:',
    describeTables(tables),
    '',
    `Question: ${question}`,
  ].join('\n');
}

/**
 * Asks the model for a plan and validates it (JSON, the plan schema, a listed table). Invalid output
 * is reported, never executed; the caller then falls back to the rule parser.
 */
export async function planWithModel(
  model: LanguageModel,
  question: string,
  tables: readonly LoadedTable[],
  signal?: AbortSignal,
): Promise<ModelPlanOutcome> {
  const stream = model.stream({
    messages: [{ role: 'user', content: planPrompt(question, tables) }],
    temperature: 0,
    maxOutputTokens: 400,
    ...(signal ? { signal } : {}),
  });
  let text = '';
  for await (const delta of stream.textStream) {
    text += delta;
    if (text.length > 8000) break;
  }
  const usage = await stream.usage.catch(() => ({}));
  const modelId = await (stream.modelId ?? Promise.resolve(model.id)).catch(() => model.id);
  const base = { model: modelId, usage };
  const json = firstJsonObject(text);
  if (json === undefined) return { kind: 'invalid', problem: 'no JSON object in the reply', ...base };
  if (typeof json === 'object' && json !== null && (json as { table?: unknown }).table === null) {
    const reason = (json as { reason?: unknown }).reason;
    return {
      kind: 'declined',
      reason: typeof reason === 'string' ? reason.slice(0, 300) : 'no table answers it',
      ...base,
    };
  }
  const parsed = TablePlanSchema.safeParse(json);
  if (!parsed.success)
    return { kind: 'invalid', problem: parsed.error.issues[0]?.message ?? 'invalid plan', ...base };
  const index = /^T(\d+)$/i.exec(parsed.data.table ?? (tables.length === 1 ? 'T1' : ''));
  const tableIndex = index ? Number(index[1]) - 1 : -1;
  if (tableIndex < 0 || tableIndex >= tables.length)
    return { kind: 'invalid', problem: `unknown table ${parsed.data.table}`, ...base };
  return { kind: 'plan', plan: parsed.data, tableIndex, ...base };
}

/** The first balanced `{…}` in a reply (models wrap JSON in prose or code fences). */
export function firstJsonObject(text: string): unknown {
  const start = text.indexOf('{');
  if (start === -1) return undefined;
  let depth = 0;
  let inString = false;
  for (let at = start; at < text.length; at++) {
    const char = text[at];
    if (inString) {
      if (char === '\\') at++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) {
      try {
        return JSON.parse(text.slice(start, at + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
