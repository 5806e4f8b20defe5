import type { QuestionRecord } from './conversation.records.js';

export interface DayStats {
  day: string;
  questions: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
}

export interface UsageStats {
  key: string;
  questions: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface AnalyticsSummary {
  questions: number;
  days: DayStats[];
  byModel: UsageStats[];
  byUser: UsageStats[];
  feedback: { up: number; down: number };
  modes: Record<string, number>;
  topDocuments: { documentId: string; citations: number }[];
  /** Most recent questions Lore abstained on. */
  unanswered: { id: string; at: string; question: string }[];
}

/** Aggregates of a set of recorded questions (per day, per model, per user, feedback, citations). */
export function summarize(records: readonly QuestionRecord[]): AnalyticsSummary {
  const byDay = new Map<string, number[]>();
  const byModel = new Map<string, UsageStats>();
  const byUser = new Map<string, UsageStats>();
  const cited = new Map<string, number>();
  const modes: Record<string, number> = {};
  const feedback = { up: 0, down: 0 };
  for (const record of records) {
    const day = record.at.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), record.latencyMs]);
    add(byModel, record.model ?? `(${record.mode})`, record);
    add(byUser, record.userId ?? '(local)', record);
    for (const id of record.citedDocumentIds) cited.set(id, (cited.get(id) ?? 0) + 1);
    modes[record.mode] = (modes[record.mode] ?? 0) + 1;
    if (record.feedback) feedback[record.feedback]++;
  }
  return {
    questions: records.length,
    days: [...byDay.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, latencies]) => ({
        day,
        questions: latencies.length,
        latencyP50Ms: percentile(latencies, 0.5),
        latencyP95Ms: percentile(latencies, 0.95),
      })),
    byModel: [...byModel.values()].sort((a, b) => b.questions - a.questions),
    byUser: [...byUser.values()].sort((a, b) => b.questions - a.questions),
    feedback,
    modes,
    topDocuments: [...cited.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 20)
      .map(([documentId, citations]) => ({ documentId, citations })),
    unanswered: records
      .filter((record) => record.mode === 'abstained')
      .slice(-50)
      .reverse()
      .map((record) => ({ id: record.id, at: record.at, question: record.question })),
  };
}

function add(map: Map<string, UsageStats>, key: string, record: QuestionRecord): void {
  const stats = map.get(key) ?? { key, questions: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  stats.questions++;
  stats.inputTokens += record.inputTokens ?? 0;
  stats.outputTokens += record.outputTokens ?? 0;
  stats.costUsd += record.costUsd ?? 0;
  map.set(key, stats);
}

/** Nearest-rank percentile (0 for an empty list). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const csvColumns = [
  'id',
  'at',
  'userId',
  'channel',
  'question',
  'mode',
  'model',
  'latencyMs',
  'inputTokens',
  'outputTokens',
  'costUsd',
  'citedDocumentIds',
  'feedback',
  'feedbackComment',
] as const;

/** RFC 4180 CSV of recorded questions; cells that a spreadsheet would run as formulas are defused. */
export function toCsv(records: readonly QuestionRecord[]): string {
  const lines = [csvColumns.join(',')];
  for (const record of records) {
    lines.push(
      csvColumns
        .map((column) => {
          const value = record[column];
          return csvCell(Array.isArray(value) ? value.join(' ') : value === undefined ? '' : String(value));
        })
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
