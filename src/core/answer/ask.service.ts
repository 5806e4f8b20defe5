import type { LanguageModel, TokenUsage } from '../../ports/language-model.port.js';
import type { SearchFilter } from '../records.js';
import type { SearchService } from '../search/search.service.js';
import { type Citation, citedNumbers, type Source, toSources } from './citation.js';
import { extractSentences } from './extractive.js';
import { abstention, buildAnswerPrompt } from './prompt.js';

export type AnswerMode = 'generated' | 'extractive' | 'abstained';

/** Events of a streamed answer (SSE event names in the API). */
export type AskEvent =
  | { type: 'sources-found'; sources: Source[] }
  | { type: 'answer-delta'; text: string }
  | { type: 'citation-added'; citation: Citation }
  | {
      type: 'answer-end';
      mode: AnswerMode;
      answer: string;
      citations: Citation[];
      model?: string;
      usage?: TokenUsage;
    };

export interface AskRequest {
  question: string;
  filter?: SearchFilter;
  signal?: AbortSignal;
}

export interface AskDependencies {
  search: SearchService;
  /** Absent: answers are extractive. */
  languageModel?: LanguageModel;
  idf: (term: string) => number;
  options: { sources: number; abstainBelow: number };
}

const extractiveLabel =
  'Extractive answer (no language model is configured; these are the most relevant sentences):';

/** Retrieval-augmented answering with numbered citations, streamed as events. */
export class AskService {
  constructor(private readonly deps: AskDependencies) {}

  /** Answers a question from the indexed documents. */
  async *ask(request: AskRequest): AsyncGenerator<AskEvent> {
    const result = await this.deps.search.search({
      query: request.question,
      limit: this.deps.options.sources,
      ...(request.filter ? { filter: request.filter } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const lexicalOnly = result.mode === 'lexical';
    const best = Math.max(0, ...result.hits.map((hit) => hit.termCoverage ?? 0));
    if (result.hits.length === 0 || (lexicalOnly && best < this.deps.options.abstainBelow)) {
      yield { type: 'sources-found', sources: [] };
      yield* this.abstain();
      return;
    }
    const sources = toSources(result.hits);
    yield { type: 'sources-found', sources };
    if (this.deps.languageModel) yield* this.generate(request, sources, this.deps.languageModel);
    else yield* this.extract(request.question, sources);
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
  ): AsyncGenerator<AskEvent> {
    const stream = model.stream({
      messages: buildAnswerPrompt(request.question, sources),
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
    const usage = await stream.usage.catch(() => ({}));
    const abstained = answer.trim().replace(/["“”]/g, '').startsWith(abstention.replace(/\.$/, ''));
    yield {
      type: 'answer-end',
      mode: abstained && citations.length === 0 ? 'abstained' : 'generated',
      answer,
      citations,
      model: model.id,
      usage,
    };
  }
}
