import type { LanguageModel, TokenUsage } from '../../ports/language-model.port.js';
import type { Store } from '../../ports/store.port.js';
import type { TableStore } from '../../ports/table-store.port.js';
import type { Citation } from '../answer/citation.js';
import type { SearchFilter } from '../records.js';
import { planWithModel } from './model-planner.js';
import { TableQueryRefusal } from './plan-filters.js';
import type { TablePlan } from './query-plan.js';
import { tokenize } from './question-terms.js';
import { detectIntent, explicitColumnName, parseQuestion } from './rule-parser.js';
import type { LoadedTable, StoredTable, TableRow } from './table.records.js';
import { tableCitation } from './table-citation.js';
import { executePlan, type TableComputation } from './table-engine.js';
import { metadataScore, nameScore } from './table-router.js';

/** The outcome of routing a question to the tables. */
export type TableAnswer =
  | {
      status: 'computed';
      table: StoredTable;
      plan: TablePlan;
      computation: TableComputation;
      planner: 'rules' | 'model';
      model?: string;
      usage?: TokenUsage;
    }
  | { status: 'refused'; reason: string; table?: StoredTable; model?: string; usage?: TokenUsage }
  | { status: 'ambiguous'; reason: string; tables: StoredTable[] };

export interface TableAnswerDependencies {
  tables: TableStore;
  /** Document texts and chunks, for the citation's span. */
  documents: Pick<Store, 'getDocumentText' | 'listDocumentChunks'>;
  /** Writes plans when configured (validated; rules are the fallback). */
  languageModel?: LanguageModel;
  options: {
    /** Tables whose metadata is scored per question. */
    catalogLimit: number;
    /** Tables whose rows are loaded and parsed against the question. */
    candidates: number;
    /** Let the language model write the plan. */
    modelPlans: boolean;
  };
}

/** Least score (names, column names, values matched) for a question to be routed to a table. */
const routeThreshold = 2.5;
const cacheSize = 16;

/**
 * Exact answers over tables: picks the table a computational question is about (its names, column
 * names and values, and the documents retrieval found), has the language model (when configured)
 * or the rule parser write a plan, validates and runs it. Returns undefined when the question is
 * not a computation over any readable table, so passage retrieval answers it instead.
 */
export class TableAnswerService {
  private readonly cache = new Map<string, TableRow[]>();

  constructor(private readonly deps: TableAnswerDependencies) {}

  async answer(
    question: string,
    filter: SearchFilter,
    hints: { documentIds?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<TableAnswer | undefined> {
    const tokens = tokenize(question);
    if (!detectIntent(tokens, question)) return undefined;
    const catalog = await this.deps.tables.listTables(filter, this.deps.options.catalogLimit);
    if (catalog.length === 0) return undefined;
    const retrieved = new Set(hints.documentIds ?? []);
    const ranked = catalog
      .map((table) => ({
        table,
        score: metadataScore(tokens, table) + (retrieved.has(table.documentId) ? 1 : 0),
      }))
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, this.deps.options.candidates);
    if (ranked.length === 0) {
      const named = explicitColumnName(question);
      if (!named) return undefined;
      return { status: 'refused', reason: `no table you can read has a column “${named}”` };
    }
    const loaded = await Promise.all(
      ranked.map(async ({ table }) => ({ ...table, rows: await this.rows(table.id) })),
    );

    if (this.deps.languageModel && this.deps.options.modelPlans) {
      const viaModel = await this.fromModel(question, loaded, hints.signal);
      if (viaModel) return viaModel;
    }
    return this.fromRules(question, loaded);
  }

  /** The citation of a computed answer (sheet, rows, span in the document text). */
  citationFor(answer: Extract<TableAnswer, { status: 'computed' }>): Promise<Citation> {
    return tableCitation(answer, this.deps.documents);
  }

  private async fromModel(
    question: string,
    tables: LoadedTable[],
    signal?: AbortSignal,
  ): Promise<TableAnswer | undefined> {
    let outcome: Awaited<ReturnType<typeof planWithModel>>;
    try {
      outcome = await planWithModel(this.deps.languageModel!, question, tables, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      return undefined; // the model failed: the rules answer
    }
    if (outcome.kind !== 'plan') return undefined;
    const table = tables[outcome.tableIndex]!;
    try {
      const computation = executePlan(table, outcome.plan);
      return {
        status: 'computed',
        table: withoutRows(table),
        plan: outcome.plan,
        computation,
        planner: 'model',
        model: outcome.model,
        usage: outcome.usage,
      };
    } catch (error) {
      if (error instanceof TableQueryRefusal) return undefined; // an unusable plan: the rules decide
      throw error;
    }
  }

  private fromRules(question: string, tables: LoadedTable[]): TableAnswer | undefined {
    const tokens = tokenize(question);
    const outcomes = tables
      .map((table) => ({ table, outcome: parseQuestion(question, table), named: nameScore(tokens, table) }))
      .filter((entry) => entry.outcome.kind !== 'none')
      .map((entry) => ({
        ...entry,
        total: (entry.outcome.kind === 'none' ? 0 : entry.outcome.score) + entry.named,
      }))
      .filter((entry) => entry.total >= routeThreshold)
      .sort((a, b) => b.total - a.total);
    const best = outcomes[0];
    if (!best) {
      const named = explicitColumnName(question);
      return named
        ? { status: 'refused', reason: `no table you can read has a column “${named}”` }
        : undefined;
    }
    if (best.outcome.kind === 'refusal')
      return { status: 'refused', reason: best.outcome.reason, table: withoutRows(best.table) };
    if (best.outcome.kind !== 'plan') return undefined;
    const plan = best.outcome.plan;
    let computation: TableComputation;
    try {
      computation = executePlan(best.table, plan);
    } catch (error) {
      if (error instanceof TableQueryRefusal)
        return { status: 'refused', reason: error.reason, table: withoutRows(best.table) };
      throw error;
    }
    const rivals = outcomes.filter(
      (entry) => entry !== best && entry.total === best.total && entry.outcome.kind === 'plan',
    );
    const differing = rivals.filter((entry) => {
      try {
        return (
          executePlan(entry.table, (entry.outcome as { plan: TablePlan }).plan).display !==
          computation.display
        );
      } catch {
        return false;
      }
    });
    if (differing.length > 0) {
      const tablesNamed = [best.table, ...differing.map((entry) => entry.table)].map(withoutRows);
      return {
        status: 'ambiguous',
        reason: `the question fits several tables (${tablesNamed.map(tableLabel).join('; ')}); name the sheet or the file`,
        tables: tablesNamed,
      };
    }
    return { status: 'computed', table: withoutRows(best.table), plan, computation, planner: 'rules' };
  }

  private async rows(tableId: string): Promise<TableRow[]> {
    const cached = this.cache.get(tableId);
    if (cached) {
      this.cache.delete(tableId);
      this.cache.set(tableId, cached);
      return cached;
    }
    const rows = await this.deps.tables.loadRows(tableId);
    this.cache.set(tableId, rows);
    if (this.cache.size > cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return rows;
  }
}

/** "sheet Orders (rows 2–40) of orders.xlsx". */
export function tableLabel(table: StoredTable): string {
  return `sheet ${table.sheet} (rows ${table.firstRow}–${table.lastRow}) of ${table.fileName}`;
}

function withoutRows(table: LoadedTable | StoredTable): StoredTable {
  const { rows: _rows, ...rest } = table as LoadedTable;
  return rest;
}
