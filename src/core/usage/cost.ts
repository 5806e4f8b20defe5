import type { TokenUsage } from '../../ports/language-model.port.js';

/** Price of one model in US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** Prices by model id (`provider:model`, e.g. `openai:gpt-4o-mini`) or bare model name. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** The price for a model id: exact `provider:model` first, then the bare model name. */
export function priceFor(modelId: string, prices: PriceTable): ModelPrice | undefined {
  if (prices[modelId]) return prices[modelId];
  const colon = modelId.indexOf(':');
  return colon === -1 ? undefined : prices[modelId.slice(colon + 1)];
}

/**
 * Cost of one call in US dollars, or undefined when the model has no price or the provider sent no
 * token counts.
 *
 * @example
 * costUsd('openai:gpt-4o-mini', { inputTokens: 1000, outputTokens: 200 }, { 'gpt-4o-mini': { input: 0.15, output: 0.6 } }) // 0.00027
 */
export function costUsd(modelId: string, usage: TokenUsage, prices: PriceTable): number | undefined {
  const price = priceFor(modelId, prices);
  if (!price || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return undefined;
  const dollars =
    ((usage.inputTokens ?? 0) * price.input + (usage.outputTokens ?? 0) * price.output) / 1_000_000;
  // Round to a millionth of a cent so sums stay readable.
  return Math.round(dollars * 1e8) / 1e8;
}

/** One model call, as recorded for metrics and analytics. */
export interface UsageRecord {
  /** ISO timestamp. */
  at: string;
  /** The model that actually answered (after routing and fallback). */
  model: string;
  /** What the call was for. */
  purpose: 'answer' | 'query-transform';
  inputTokens: number;
  outputTokens: number;
  /** Undefined when the model has no configured price. */
  costUsd?: number;
  /** Collections the answer's sources came from. */
  collectionIds: string[];
  /** Set by the caller (the lead's principal / request context), never by the model layer. */
  userId?: string;
  requestId?: string;
}

/** Totals of a set of usage records. */
export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Calls whose model had no price (their cost is not in `costUsd`). */
  unpricedCalls: number;
}

/** Sums records grouped by user, collection or model (a record counts once per collection it touched). */
export function summarizeUsage(
  records: Iterable<UsageRecord>,
  by: 'user' | 'collection' | 'model',
): Map<string, UsageTotals> {
  const totals = new Map<string, UsageTotals>();
  for (const record of records) {
    const keys =
      by === 'model'
        ? [record.model]
        : by === 'user'
          ? [record.userId ?? 'anonymous']
          : record.collectionIds.length > 0
            ? record.collectionIds
            : ['none'];
    for (const key of keys) {
      const total = totals.get(key) ?? {
        calls: 0,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        unpricedCalls: 0,
      };
      total.calls++;
      total.inputTokens += record.inputTokens;
      total.outputTokens += record.outputTokens;
      if (record.costUsd === undefined) total.unpricedCalls++;
      else total.costUsd = Math.round((total.costUsd + record.costUsd) * 1e8) / 1e8;
      totals.set(key, total);
    }
  }
  return totals;
}
