import type { LanguageModel, TokenUsage } from '../../ports/language-model.port.js';
import { toLoreError } from '../errors.js';
import { analyze } from '../text/analyzer.js';
import { fuseRrf } from './fusion.js';
import type { SearchHit, SearchRequest, SearchResult, SearchService } from './search.service.js';

/** How a question is rewritten before retrieval. */
export const queryTransforms = ['none', 'multi-query', 'hyde'] as const;
export type QueryTransform = (typeof queryTransforms)[number];

/** A search with an optional per-request transform. */
export interface TransformedSearchRequest extends SearchRequest {
  transform?: QueryTransform;
}

/** The result plus what the transform did (the extra queries, or why it was skipped). */
export interface TransformedSearchResult extends SearchResult {
  transform?: { kind: QueryTransform; queries: string[]; skipped?: string };
}

/** Anything that searches like SearchService (evaluation takes either). */
export interface Searcher {
  search(request: TransformedSearchRequest): Promise<TransformedSearchResult>;
}

export interface QueryTransformDependencies {
  search: SearchService;
  /** Writes the extra queries / hypothetical passage; without it every transform is `none`. */
  languageModel?: LanguageModel;
  defaults: { transform: QueryTransform; variants: number };
  /** Called for each model call a transform makes (cost accounting). */
  onUsage?: (model: string, usage: TokenUsage) => void;
}

/** Candidates fused from each query before the final cut. */
const candidatesPerQuery = 50;

export const multiQueryPrompt = (question: string, count: number) =>
  `Write ${count} different search queries that would find passages answering the question below. ` +
  'Vary the wording and use synonyms. One query per line, no numbering, no other text.\n\n' +
  `Question: ${question}`;

export const hydePrompt = (question: string) =>
  'Write one short factual passage (3 to 5 sentences) that could appear in a document answering the question below. ' +
  'Write only the passage.\n\n' +
  `Question: ${question}`;

/**
 * Retrieval with query transforms. `multi-query` asks the model for paraphrases and fuses the
 * rankings of all queries (RRF); `hyde` asks it for a hypothetical answer passage and fuses the
 * passage's ranking (dense when an embedder is configured: hypothetical document embeddings) with
 * the question's. When the model fails, the plain search result is returned and the reason is kept
 * in `transform.skipped`, so a transform never costs an answer.
 *
 * @example
 * const searcher = new QueryTransformingSearch({ search, languageModel, defaults: { transform: 'hyde', variants: 3 } });
 * const result = await searcher.search({ query: 'How long is parental leave?', limit: 8 });
 */
export class QueryTransformingSearch implements Searcher {
  constructor(private readonly deps: QueryTransformDependencies) {}

  async search(request: TransformedSearchRequest): Promise<TransformedSearchResult> {
    const kind = request.transform ?? this.deps.defaults.transform;
    const { transform: _ignored, ...plain } = request;
    if (kind === 'none' || !this.deps.languageModel) return this.deps.search.search(plain);
    const limit = request.limit ?? 10;
    const wide = { ...plain, limit: Math.max(limit, candidatesPerQuery) };
    let extra: string[];
    try {
      extra =
        kind === 'multi-query'
          ? parseQueries(
              await this.complete(
                multiQueryPrompt(request.query, this.deps.defaults.variants),
                request.signal,
              ),
              request.query,
            ).slice(0, this.deps.defaults.variants)
          : [await this.complete(hydePrompt(request.query), request.signal)].filter(
              (text) => text.trim() !== '',
            );
    } catch (error) {
      const loreError = toLoreError(error, 'provider_error');
      if (loreError.code === 'cancelled') throw loreError;
      const result = await this.deps.search.search(plain);
      return { ...result, transform: { kind, queries: [], skipped: loreError.message } };
    }
    const original = await this.deps.search.search(wide);
    const extraMode = kind === 'hyde' && original.mode !== 'lexical' ? 'dense' : request.mode;
    const others = await Promise.all(
      extra.map((query) =>
        this.deps.search.search({ ...wide, query, ...(extraMode ? { mode: extraMode } : {}) }),
      ),
    );
    return { ...this.fuse(original, others, limit), transform: { kind, queries: extra } };
  }

  private fuse(original: SearchResult, others: SearchResult[], limit: number): SearchResult {
    const byRow = new Map<number, SearchHit>();
    for (const result of [original, ...others]) {
      for (const hit of result.hits) if (!byRow.has(hit.chunk.id)) byRow.set(hit.chunk.id, hit);
    }
    const fused = fuseRrf(
      [original, ...others].map((result) => ({ weight: 1, rowIds: result.hits.map((hit) => hit.chunk.id) })),
      60,
    ).slice(0, limit);
    const originalCoverage = new Map(original.hits.map((hit) => [hit.chunk.id, hit.termCoverage]));
    const hits = fused.map(({ rowId, score }, index): SearchHit => {
      const hit = byRow.get(rowId)!;
      const coverage =
        originalCoverage.get(rowId) ??
        this.deps.search.coverage(
          original.queryTerms,
          `${hit.document.title}\n${hit.chunk.context}\n${hit.chunk.text}`,
        );
      return { ...hit, rank: index + 1, score, termCoverage: coverage };
    });
    const sum = (pick: (result: SearchResult) => number) =>
      [original, ...others].reduce((total, r) => total + pick(r), 0);
    return {
      hits,
      mode: original.mode,
      queryTerms: original.queryTerms,
      timings: {
        lexicalMs: sum((r) => r.timings.lexicalMs),
        denseMs: sum((r) => r.timings.denseMs),
        totalMs: sum((r) => r.timings.totalMs),
      },
    };
  }

  private async complete(prompt: string, signal: AbortSignal | undefined): Promise<string> {
    const model = this.deps.languageModel!;
    const stream = model.stream({
      messages: [
        { role: 'system', content: 'You help a search engine. Follow the instructions exactly.' },
        { role: 'user', content: prompt },
      ],
      temperature: 0,
      maxOutputTokens: 300,
      ...(signal ? { signal } : {}),
    });
    let text = '';
    for await (const delta of stream.textStream) text += delta;
    const usage = await stream.usage.catch(() => ({}));
    const used = await (stream.modelId ?? Promise.resolve(model.id)).catch(() => model.id);
    this.deps.onUsage?.(used, usage);
    return text.trim();
  }
}

/** Lines of a model's answer as queries: numbering, bullets and quotes removed, duplicates dropped. */
export function parseQueries(text: string, original: string): string[] {
  const seen = new Set([analyze(original).join(' ')]);
  const queries: string[] = [];
  for (const line of text.split('\n')) {
    const query = line
      .replace(/^\s*(?:\d+[.)]|[-*•])\s*/, '')
      .replace(/^["“']|["”']$/g, '')
      .trim();
    const key = analyze(query).join(' ');
    if (query === '' || key === '' || seen.has(key) || query.length > 300) continue;
    seen.add(key);
    queries.push(query);
  }
  return queries;
}
