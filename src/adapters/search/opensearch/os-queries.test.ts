import { describe, expect, it } from 'vitest';
import { bulkBody, chunkDocument, chunkIndexBody, indexNames } from './os-layout.js';
import { cosineOf, denseQuery, filterClauses, lexicalQuery, lookupTerms } from './os-queries.js';

const bm25 = { k1: 0.9, b: 0.4, fieldWeights: { title: 2, body: 1 } };
// biome-ignore lint/suspicious/noExplicitAny: request bodies are inspected field by field
type Body = Record<string, any>;

describe('OpenSearch query building', () => {
  it('puts collections and admitted documents in filter clauses, nothing for no filter', () => {
    expect(filterClauses(undefined, undefined)).toEqual([]);
    expect(filterClauses({ collectionIds: ['c1', 'c2'] }, undefined)).toEqual([
      { terms: { collectionId: ['c1', 'c2'] } },
    ]);
    // An empty readable set stays a clause (matching nothing), never "no filter".
    expect(filterClauses({ collectionIds: [] }, [])).toEqual([
      { terms: { collectionId: [] } },
      { terms: { documentId: [] } },
    ]);
  });

  it('scores BM25 as boosted term clauses per field, with the filter inside the bool query', () => {
    const filters = filterClauses({ collectionIds: ['c1'] }, undefined);
    const body = lexicalQuery(['cat', 'sat', 'cat'], 7, bm25, filters, ['cat', 'mat']) as Body;
    expect(body.size).toBe(7);
    expect(body._source).toBe(false);
    const bool = body.query.bool;
    expect(bool.filter).toEqual([{ terms: { collectionId: ['c1'] } }]);
    const scoring = bool.must[0].bool;
    expect(scoring.minimum_should_match).toBe(1);
    expect(scoring.should).toEqual([
      { term: { title: { value: 'cat', boost: 4 } } },
      { term: { title: { value: 'sat', boost: 2 } } },
      { term: { body: { value: 'cat', boost: 2, _name: 'cov:cat' } } },
      { term: { body: { value: 'sat', boost: 1 } } },
    ]);
    // A coverage term outside the query reports (named) without ranking (boost 0) or matching alone.
    expect(bool.should).toEqual([{ term: { body: { value: 'mat', boost: 0, _name: 'cov:mat' } } }]);
    expect(lookupTerms(['cat', 'sat', 'cat'], ['cat', 'mat'])).toEqual(['cat', 'sat', 'mat']);
    expect(body.aggs.lore_df).toEqual({
      global: {},
      aggs: {
        t0: { filter: { term: { body: 'cat' } } },
        t1: { filter: { term: { body: 'sat' } } },
        t2: { filter: { term: { body: 'mat' } } },
      },
    });
  });

  it('leaves out fields weighted 0 and the filter key when unrestricted', () => {
    const body = lexicalQuery(['cat'], 3, { ...bm25, fieldWeights: { body: 1 } }, [], ['cat']) as Body;
    expect(body.query.bool.filter).toBeUndefined();
    expect(body.query.bool.should).toBeUndefined();
    expect(body.query.bool.must[0].bool.should).toEqual([
      { term: { body: { value: 'cat', boost: 1, _name: 'cov:cat' } } },
    ]);
  });

  it('filters k-NN inside the knn clause and maps cosinesimil scores back to cosine', () => {
    const filters = filterClauses({ collectionIds: ['c1'] }, ['d1']);
    const body = denseQuery(new Float32Array([0.5, -0.25]), 4, filters, 100) as Body;
    expect(body.query.knn.vector).toEqual({
      vector: [0.5, -0.25],
      k: 4,
      method_parameters: { ef_search: 100 },
      filter: { bool: { filter: [{ terms: { collectionId: ['c1'] } }, { terms: { documentId: ['d1'] } }] } },
    });
    expect((denseQuery(new Float32Array([1]), 500, [], 100) as Body).query.knn.vector).toEqual({
      vector: [1],
      k: 500,
      method_parameters: { ef_search: 500 },
    });
    expect(cosineOf(1)).toBe(1);
    expect(cosineOf(0.5)).toBe(0);
    expect(cosineOf(0)).toBe(-1);
  });
});

describe('OpenSearch index layout', () => {
  it('names one alias per embedder generation, valid for OpenSearch, and timestamped builds', () => {
    const names = indexNames('lore', 'OpenAI-Compatible:text-embedding-3-small');
    expect(names.alias).toMatch(/^lore-chunks-openai-compatible-text-embedding-3-small-[0-9a-f]{8}$/);
    expect(names.alias).not.toBe(indexNames('lore', 'openai-compatible:text-embedding-3-large').alias);
    expect(indexNames('lore', undefined).alias).toMatch(/^lore-chunks-lexical-[0-9a-f]{8}$/);
    expect(names.buildIndex(new Date('2026-12-07T12:00:00.123Z'))).toBe(`${names.alias}-20261207120000123`);
    expect(names.stateIndex).toBe('lore-lore-state');
  });

  it('maps BM25 text fields with Lore’s k1/b over whitespace and an HNSW cosine vector', () => {
    const body = chunkIndexBody(bm25, 384, { replicas: 0 }) as Body;
    expect(body.settings.index).toMatchObject({
      knn: true,
      number_of_replicas: 0,
      similarity: { lore_bm25: { type: 'BM25', k1: 0.9, b: 0.4 } },
    });
    expect(body.mappings.dynamic).toBe('strict');
    expect(body.mappings.properties.body).toEqual({
      type: 'text',
      analyzer: 'whitespace',
      similarity: 'lore_bm25',
    });
    expect(body.mappings.properties.collectionId).toEqual({ type: 'keyword' });
    expect(body.mappings.properties.vector).toMatchObject({
      type: 'knn_vector',
      dimension: 384,
      method: { name: 'hnsw', space_type: 'cosinesimil' },
    });
    const lexicalOnly = chunkIndexBody(bm25, undefined) as Body;
    expect(lexicalOnly.mappings.properties.vector).toBeUndefined();
    expect(lexicalOnly.settings.index.knn).toBe(false);
  });

  it('writes deletes before index actions, ids as chunk row ids, terms joined by spaces', () => {
    const row = { rowId: 7, documentId: 'd', collectionId: 'c', terms: { title: ['a'], body: ['b', 'c'] } };
    expect(chunkDocument(row, undefined)).toEqual({
      rowId: 7,
      documentId: 'd',
      collectionId: 'c',
      title: 'a',
      body: 'b c',
    });
    expect(bulkBody('i', [{ row, vector: new Float32Array([1, 0]) }], [3])).toEqual([
      { delete: { _index: 'i', _id: '3' } },
      { index: { _index: 'i', _id: '7' } },
      { rowId: 7, documentId: 'd', collectionId: 'c', title: 'a', body: 'b c', vector: [1, 0] },
    ]);
  });
});
