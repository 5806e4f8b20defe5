import type { ChatMessage, LanguageModel, TokenUsage } from '../../ports/language-model.port.js';
import type { SearchFilter } from '../records.js';
import type { QueryTransform, Searcher } from '../search/query-transform.js';
import type { SearchService } from '../search/search.service.js';
import type { TableAnswer, TableAnswerService } from '../tables/table-answer.service.js';
import {
  type ComputationView,
  computationView,
  computedAnswerText,
  refusedAnswerText,
} from '../tables/table-citation.js';
import { costUsd, type PriceTable, type UsageRecord } from '../usage/cost.js';
import { type Citation, citedNumbers, type Source, toSources } from './citation.js';
import { extractSentences } from './extractive.js';
import { chooseModel, type ModelPreference, type ModelRoutes, type RouteDecision } from './model-routing.js';
import { abstention, buildAnswerPrompt } from './prompt.js';

/** How an answer was made: written by a model, quoted, computed over a table, or not given. */
export type AnswerMode = 'generated' | 'extractive' | 'computed' | 'abstained';

/** Events of a streamed answer (SSE event names in the API). */
export type AskEvent =
  | { type: 'sources-found'; sources: Source[] }
  | { type: 'answer-delta'; text: string }
  | { type: 'citation-added'; citation: Citation }
  /** A question routed to a table: the computation (or why the table cannot answer). */
  | { type: 'table-computed'; computation: ComputationView }
  | {
      type: 'answer-end';
      mode: AnswerMode;
      answer: string;
      citations: Citation[];
      /** The model that actually answered (after routing and fallback). */
      model?: string;
      usage?: TokenUsage;
      /** US dollars, when the model has a price (LORE_MODEL_PRICES). */
      costUsd?: number;
      /** Which chat model size was chosen and why. */
      route?: RouteDecision;
      /** Set when the question was answered (or refused) over a table. */
      computation?: ComputationView;
    };

export interface AskRequest {
  question: string;
  /** Earlier turns of the conversation, oldest first (answers without their source lists). */
  history?: ChatMessage[];
  /** What to retrieve with when it differs from the question (e.g. a follow-up joined to its context). */
  searchQuery?: string;
  filter?: SearchFilter;
  signal?: AbortSignal;
  /** `small` / `large` chat model, or `auto` (default) to let the routing rule decide. */
  model?: ModelPreference;
  /** Multi-query or HyDE retrieval for this request (default: LORE_QUERY_TRANSFORM). */
  queryTransform?: QueryTransform;
}

export interface AskDependencies {
  search: SearchService;
  /** Absent: answers are extractive. */
  languageModel?: LanguageModel;
  idf: (term: string) => number;
  options: { sources: number; abstainBelow: number };
  /** Small/large chat models and the routing rule (else `languageModel` answers everything). */
  routes?: ModelRoutes;
  /** Retrieval with multi-query / HyDE transforms (else `search`). */
  transformingSearch?: Searcher;
  /** Prices per model for `costUsd`. */
  prices?: PriceTable;
  /** Called once per answer with its tokens and cost (metrics, analytics; see docs/providers.md). */
  onUsage?: (record: UsageRecord, request: AskRequest) => void;
  /** Exact answers over tables; computational questions go there before passages (absent: off). */
  tables?: TableAnswerService;
}

const extractiveLabel =
  'Extractive answer (no language model is configured; these are the most relevant sentences):';

/** Retrieval-augmented answering with numbered citations, streamed as events. */
export class AskService {
  constructor(private readonly deps: AskDependencies) {}

  /** Answers a question from the indexed documents. */
  async *ask(request: AskRequest): AsyncGenerator<AskEvent> {
    const result = await (this.deps.transformingSearch ?? this.deps.search).search({
      query: request.searchQuery ?? request.question,
      limit: this.deps.options.sources,
      ...(request.filter ? { filter: request.filter } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.queryTransform ? { transform: request.queryTransform } : {}),
    });
    if (this.deps.tables) {
      const documentIds = [...new Set(result.hits.map((hit) => hit.document.id))];
      const table = await this.deps.tables.answer(request.question, request.filter ?? {}, {
        documentIds,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      if (table) {
        yield* this.fromTable(table, request);
        return;
      }
    }
    const lexicalOnly = result.mode === 'lexical';
    const best = Math.max(0, ...result.hits.map((hit) => hit.termCoverage ?? 0));
    if (result.hits.length === 0 || (lexicalOnly && best < this.deps.options.abstainBelow)) {
      yield { type: 'sources-found', sources: [] };
      yield* this.abstain();
      return;
    }
    const sources = toSources(result.hits);
    yield { type: 'sources-found', sources };
    const routes =
      this.deps.routes ??
      (this.deps.languageModel
        ? { large: this.deps.languageModel, rule: { maxSmallWords: 0, default: 'large' as const } }
        : undefined);
    if (routes) {
      const { model, decision } = chooseModel(routes, request.question, request.model);
      const collectionIds = [...new Set(result.hits.map((hit) => hit.document.collectionId))];
      yield* this.generate(request, sources, model, { route: decision, collectionIds });
    } else yield* this.extract(request.question, sources);
  }

  private async *fromTable(answer: TableAnswer, request: AskRequest): AsyncGenerator<AskEvent> {
    const computation = computationView(answer);
    const modelMeta = {
      ...('model' in answer && answer.model ? { model: answer.model } : {}),
      ...('usage' in answer && answer.usage ? { usage: answer.usage } : {}),
    };
    if (answer.status === 'computed' && answer.model)
      this.reportPlanUsage(answer.model, answer.usage ?? {}, answer.table.collectionId, request);
    if (answer.status !== 'computed') {
      const text = refusedAnswerText(answer);
      yield { type: 'sources-found', sources: [] };
      yield { type: 'table-computed', computation };
      yield { type: 'answer-delta', text };
      yield { type: 'answer-end', mode: 'abstained', answer: text, citations: [], computation, ...modelMeta };
      return;
    }
    const citation = await this.deps.tables!.citationFor(answer);
    const { quote: _quote, table: _table, ...source } = citation;
    yield { type: 'sources-found', sources: [source] };
    yield { type: 'table-computed', computation };
    const text = computedAnswerText(answer);
    yield { type: 'answer-delta', text };
    yield { type: 'citation-added', citation };
    yield {
      type: 'answer-end',
      mode: 'computed',
      answer: text,
      citations: [citation],
      computation,
      ...modelMeta,
    };
  }

  private reportPlanUsage(model: string, usage: TokenUsage, collectionId: string, request: AskRequest): void {
    const cost = costUsd(model, usage, this.deps.prices ?? {});
    this.deps.onUsage?.(
      {
        at: new Date().toISOString(),
        model,
        purpose: 'answer',
        inputTokens: usage.inputTokens ?? 0,
        outputTokens: usage.outputTokens ?? 0,
        ...(cost === undefined ? {} : { costUsd: cost }),
        collectionIds: [collectionId],
      },
      request,
    );
  }

  private async *abstain(): AsyncGenerator<AskEvent> {
    yield { type: 'answer-delta', text: abstention };
    yield { type: 'answer-end', mode: 'abstained', answer: abstention, citations: [] };
  }

  private async *extract(question: string, sources: Source[]): AsyncGenerator<AskEvent> {
    const sentences = extractSentences(question, sources, this.deps.idf);
    if (sentences.length === 0) {
      yield* this.abstain();
      return;
    }
    const citations: Citation[] = [];
    const parts = [extractiveLabel];
    yield { type: 'answer-delta', text: extractiveLabel };
    for (const sentence of sentences) {
      const line = `\n- ${sentence.text} [${sentence.citation.n}]`;
      parts.push(line);
      yield { type: 'answer-delta', text: line };
      citations.push(sentence.citation);
      yield { type: 'citation-added', citation: sentence.citation };
    }
    yield { type: 'answer-end', mode: 'extractive', answer: parts.join(''), citations };
  }

  private async *generate(
    request: AskRequest,
    sources: Source[],
    model: LanguageModel,
    meta: { route: RouteDecision; collectionIds: string[] } = {
      route: { size: 'large', reason: 'configured' },
      collectionIds: [],
    },
  ): AsyncGenerator<AskEvent> {
    const stream = model.stream({
      messages: buildAnswerPrompt(request.question, sources, request.history),
      temperature: 0,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    let answer = '';
    const citations: Citation[] = [];
    for await (const delta of stream.textStream) {
      answer += delta;
      yield { type: 'answer-delta', text: delta };
      for (const n of citedNumbers(answer, sources.length)) {
        if (citations.some((citation) => citation.n === n)) continue;
        const source = sources[n - 1]!;
        const citation: Citation = { ...source, quote: source.text };
        citations.push(citation);
        yield { type: 'citation-added', citation };
      }
    }
    const usage: TokenUsage = await stream.usage.catch(() => ({}));
    const modelId = await (stream.modelId ?? Promise.resolve(model.id)).catch(() => model.id);
    const cost = costUsd(modelId, usage, this.deps.prices ?? {});
    this.deps.onUsage?.(
      {
        at: new Date().toISOString(),
        model: modelId,
        purpose: 'answer',
        inputTokens: usage.inputTokens ?? 0,
        outputTokens: usage.outputTokens ?? 0,
        ...(cost === undefined ? {} : { costUsd: cost }),
        collectionIds: meta.collectionIds,
      },
      request,
    );
    const abstained = answer.trim().replace(/["“”]/g, '').startsWith(abstention.replace(/\.$/, ''));
    yield {
      type: 'answer-end',
      mode: abstained && citations.length === 0 ? 'abstained' : 'generated',
      answer,
      citations,
      model: modelId,
      usage,
      ...(cost === undefined ? {} : { costUsd: cost }),
      route: meta.route,
    };
  }
}
