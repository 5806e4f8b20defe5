import type { SearchFilter } from '../../../core/records.js';
import type { Bm25Params } from '../../../core/search/bm25.js';
import { textFields, vectorField } from './os-layout.js';

/**
 * Request bodies of Lore's searches in OpenSearch's Query DSL. The access filter is always inside the
 * query: a `bool.filter` for BM25 and the k-NN query's own `filter` (efficient filtering: the HNSW
 * walk only visits admitted chunks), so a chunk of an unreadable collection cannot come back however
 * many hits are asked for.
 */

/** Filter clauses for a Lore filter: collections directly; documents as the ids the filter admits. */
export type FilterClauses = Record<string, unknown>[];

/**
 * `collectionIds` becomes a `terms` clause on `collectionId`. Document ids, tags and dates are
 * resolved by the caller against the Store (tags and update times live with the document, not the
 * chunk) into `admittedDocumentIds`, sent as a `terms` clause on `documentId`.
 */
export function filterClauses(
  filter: SearchFilter | undefined,
  admittedDocumentIds: readonly string[] | undefined,
): FilterClauses {
  const clauses: FilterClauses = [];
  if (filter?.collectionIds) clauses.push({ terms: { collectionId: [...filter.collectionIds] } });
  if (admittedDocumentIds) clauses.push({ terms: { documentId: [...admittedDocumentIds] } });
  return clauses;
}

/** Prefix of the named body clauses that report which coverage terms a hit contains. */
export const coverageName = 'cov:';
/** Aggregation names of the document-frequency lookups. */
export const dfAggregation = 'lore_df';

/**
 * BM25 over Lore's fields as a weighted sum: one `term` clause per distinct term and field, boosted by
 * field weight × query frequency (Lucene multiplies the clause score by its boost; a bool `should`
 * sums its clauses). Coverage terms are named body clauses (`matched_queries` in each hit); those not
 * among the query terms are optional clauses with boost 0, so they report without ranking. A `global`
 * aggregation returns the body document frequency of every looked-up term and the chunk count, for
 * coverage weights and `idf()`; global statistics, as every Lore BM25 index uses.
 */
export function lexicalQuery(
  terms: readonly string[],
  k: number,
  params: Bm25Params,
  filters: FilterClauses,
  coverageTerms: readonly string[],
): Record<string, unknown> {
  const queryFreqs = new Map<string, number>();
  for (const term of terms) queryFreqs.set(term, (queryFreqs.get(term) ?? 0) + 1);
  const coverage = new Set(coverageTerms);
  const scoring: Record<string, unknown>[] = [];
  for (const [name, field] of Object.entries(textFields)) {
    const weight = params.fieldWeights[name] ?? 0;
    if (weight === 0) continue;
    for (const [term, frequency] of queryFreqs) {
      const clause: Record<string, unknown> = { value: term, boost: weight * frequency };
      if (field === textFields.body && coverage.has(term)) clause._name = `${coverageName}${term}`;
      scoring.push({ term: { [field]: clause } });
    }
  }
  const reportOnly = [...coverage]
    .filter((term) => !queryFreqs.has(term))
    .map((term) => ({
      term: { [textFields.body]: { value: term, boost: 0, _name: `${coverageName}${term}` } },
    }));
  const lookup = [...new Set([...queryFreqs.keys(), ...coverage])];
  const dfs: Record<string, unknown> = {};
  lookup.forEach((term, index) => {
    dfs[`t${index}`] = { filter: { term: { [textFields.body]: term } } };
  });
  return {
    size: k,
    _source: false,
    track_total_hits: false,
    query: {
      bool: {
        must: [{ bool: { should: scoring, minimum_should_match: 1 } }],
        ...(reportOnly.length > 0 ? { should: reportOnly } : {}),
        ...(filters.length > 0 ? { filter: filters } : {}),
      },
    },
    sort: [{ _score: 'desc' }, { rowId: 'asc' }],
    aggs: { [dfAggregation]: { global: {}, aggs: dfs } },
  };
}

/** The looked-up terms of `lexicalQuery`, in aggregation order (`t0`, `t1`, …). */
export function lookupTerms(terms: readonly string[], coverageTerms: readonly string[]): string[] {
  return [...new Set([...terms, ...coverageTerms])];
}

/**
 * Approximate k-NN (HNSW, cosine) with the filter inside the k-NN clause. OpenSearch's cosinesimil
 * score is (1 + cos)/2; `cosineOf` turns it back into the similarity Lore's dense hits carry.
 */
export function denseQuery(
  vector: Float32Array,
  k: number,
  filters: FilterClauses,
  efSearch: number,
): Record<string, unknown> {
  return {
    size: k,
    _source: false,
    track_total_hits: false,
    query: {
      knn: {
        [vectorField]: {
          vector: Array.from(vector),
          k,
          method_parameters: { ef_search: Math.max(efSearch, k) },
          ...(filters.length > 0 ? { filter: { bool: { filter: filters } } } : {}),
        },
      },
    },
  };
}

/** Lore's cosine similarity from an OpenSearch cosinesimil score. */
export function cosineOf(score: number): number {
  return 2 * score - 1;
}
