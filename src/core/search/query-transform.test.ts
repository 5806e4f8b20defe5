import { describe, expect, it } from 'vitest';
import type { GenerateRequest, LanguageModel } from '../../ports/language-model.port.js';
import { LoreError } from '../errors.js';
import { parseQueries, QueryTransformingSearch } from './query-transform.js';
import type { SearchHit, SearchRequest, SearchResult, SearchService } from './search.service.js';

function hit(id: number): SearchHit {
  return {
    rank: 1,
    score: 1,
    termCoverage: 0.5,
    chunk: {
      id,
      documentId: `d${id}`,
      collectionId: 'c',
      ordinal: 0,
      text: `chunk ${id}`,
      context: '',
      start: 0,
      end: 7,
      tokenCount: 2,
    },
    document: {
      id: `d${id}`,
      title: `T${id}`,
      fileName: `t${id}.txt`,
      source: `t${id}`,
      format: 'text',
      collectionId: 'c',
    },
  };
}

/** A search stub whose ranking depends on the query text, recording every request. */
function fakeSearch(rankings: Record<string, number[]>) {
  const requests: SearchRequest[] = [];
  const search = {
    async search(request: SearchRequest): Promise<SearchResult> {
      requests.push(request);
      const ids = rankings[request.query] ?? [];
      return {
        hits: ids.map((id, index) => ({ ...hit(id), rank: index + 1 })),
        mode: 'hybrid',
        queryTerms: ['q'],
        timings: { lexicalMs: 1, denseMs: 1, totalMs: 2 },
      };
    },
    coverage: () => 0.25,
  };
  return { search: search as unknown as SearchService, requests };
}

function scripted(answer: string | Error): LanguageModel & { prompts: string[] } {
  const prompts: string[] = [];
  return {
    id: 'scripted:writer',
    prompts,
    stream(request: GenerateRequest) {
      prompts.push(request.messages.at(-1)?.content ?? '');
      async function* text() {
        if (answer instanceof Error) throw answer;
        yield answer;
      }
      return { textStream: text(), usage: Promise.resolve({ inputTokens: 30, outputTokens: 12 }) };
    },
  };
}

describe('query transforms', () => {
  it('multi-query: searches the question and each paraphrase and fuses the rankings', async () => {
    const { search, requests } = fakeSearch({
      'parental leave': [1, 2],
      'maternity leave': [3, 1],
      'paternity policy': [3],
    });
    const model = scripted('1. maternity leave\n- paternity policy\nparental leave\n');
    const usage: string[] = [];
    const searcher = new QueryTransformingSearch({
      search,
      languageModel: model,
      defaults: { transform: 'multi-query', variants: 3 },
      onUsage: (id, u) => usage.push(`${id}:${u.inputTokens}/${u.outputTokens}`),
    });
    const result = await searcher.search({ query: 'parental leave', limit: 3 });
    expect(requests.map((r) => r.query)).toEqual(['parental leave', 'maternity leave', 'paternity policy']);
    expect(result.hits.map((h) => h.chunk.id)).toEqual([3, 1, 2]);
    expect(result.hits.map((h) => h.rank)).toEqual([1, 2, 3]);
    expect(result.transform).toEqual({
      kind: 'multi-query',
      queries: ['maternity leave', 'paternity policy'],
    });
    // Coverage (used for abstention) stays the original query's where known.
    expect(result.hits.find((h) => h.chunk.id === 3)?.termCoverage).toBe(0.25);
    expect(model.prompts[0]).toContain('Write 3 different search queries');
    expect(usage).toEqual(['scripted:writer:30/12']);
  });

  it('hyde: the hypothetical passage is searched densely and fused with the question', async () => {
    const passage = 'Employees may take 16 weeks of paid parental leave.';
    const { search, requests } = fakeSearch({ 'parental leave?': [1], [passage]: [2, 1] });
    const searcher = new QueryTransformingSearch({
      search,
      languageModel: scripted(passage),
      defaults: { transform: 'none', variants: 3 },
    });
    const result = await searcher.search({ query: 'parental leave?', limit: 5, transform: 'hyde' });
    expect(requests[1]).toMatchObject({ query: passage, mode: 'dense' });
    expect(result.hits.map((h) => h.chunk.id)).toEqual([1, 2]);
    expect(result.transform?.kind).toBe('hyde');
  });

  it('falls back to the plain search when the model fails, keeping the reason', async () => {
    const { search, requests } = fakeSearch({ q: [1] });
    const searcher = new QueryTransformingSearch({
      search,
      languageModel: scripted(new LoreError('provider_unavailable', 'down')),
      defaults: { transform: 'hyde', variants: 3 },
    });
    const result = await searcher.search({ query: 'q' });
    expect(result.hits.map((h) => h.chunk.id)).toEqual([1]);
    expect(result.transform).toEqual({ kind: 'hyde', queries: [], skipped: 'down' });
    expect(requests).toHaveLength(1);
  });

  it('parses model output into distinct queries', () => {
    expect(parseQueries('1) "leave policy"\n* Leave Policy\n\n  vacation days  \n', 'holidays')).toEqual([
      'leave policy',
      'vacation days',
    ]);
  });
});
