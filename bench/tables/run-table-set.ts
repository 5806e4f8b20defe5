import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { goldAnswer, loreAnswer, ordersCsv, rawRows, sameAnswer, type TableQuestion } from './table-set.js';

/** One question's outcome. */
export interface TableCase {
  category: string;
  question: string;
  gold: unknown;
  lore: unknown;
  ok: boolean;
  reason?: string;
}

/** The question set from bench/tables/questions.json. */
export function loadQuestions(): TableQuestion[] {
  return JSON.parse(readFileSync(new URL('./questions.json', import.meta.url), 'utf8')) as TableQuestion[];
}

/** Ingests the generated orders sheet into a fresh app and asks every question through ask. */
export async function runTableSet(): Promise<TableCase[]> {
  const csv = ordersCsv();
  const rows = rawRows(csv);
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-tables-'));
  const app = await createApp(loadConfig({}, { dataDir }), { embedder: null, languageModel: null });
  try {
    await app.ingest.ingest({
      bytes: new TextEncoder().encode(csv),
      fileName: 'orders.csv',
      source: 'orders.csv',
      collection: 'sales',
    });
    const cases: TableCase[] = [];
    for (const question of loadQuestions()) {
      let end: unknown;
      for await (const event of app.ask.ask({ question: question.question }))
        if (event.type === 'answer-end') end = event;
      const gold = goldAnswer(question, rows);
      const typed = end as Parameters<typeof loreAnswer>[1];
      const lore = loreAnswer(question, typed);
      const ok = sameAnswer(gold, lore);
      cases.push({
        category: question.category,
        question: question.question,
        gold,
        lore,
        ok,
        ...(ok ? {} : { reason: typed.computation?.reason ?? typed.computation?.statement ?? typed.mode }),
      });
    }
    return cases;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Exact-match accuracy per category and overall. */
export function accuracy(cases: readonly TableCase[]): Record<string, { right: number; total: number }> {
  const out: Record<string, { right: number; total: number }> = {};
  for (const item of cases) {
    for (const key of [item.category, 'overall']) {
      const slot = out[key] ?? { right: 0, total: 0 };
      out[key] = slot;
      slot.total++;
      if (item.ok) slot.right++;
    }
  }
  return out;
}
