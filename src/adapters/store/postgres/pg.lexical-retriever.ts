import type { SearchFilter } from '../../../core/records.js';
import type { Bm25Params } from '../../../core/search/bm25.js';
import type { LexicalHit, LexicalRetriever } from '../../../ports/retriever.port.js';
import type { Queryable } from './database.js';
import { filterCondition } from './pg-filter.js';
import { fieldNumber } from './rows.js';

/** Body IDFs remembered for `idf()` (synchronous callers: coverage, extractive answers). */
const idfCacheSize = 50_000;

/**
 * BM25 computed in SQL over the `postings` table with the statistics maintained by document
 * writes: the same formula and parameters as the in-memory `Bm25Index` (Lucene idf, per-field
 * length normalisation, weighted field sum), with the filter inside the query.
 *
 * Term weights (idf · field weight · query frequency) and length-normalisation constants are
 * computed here from one read of `term_stats`/`field_stats`; the ranking query then sums
 * `weight · tf / (tf + k1·(1 − b) + k1·b·dl/avgdl)` per chunk from an index-only scan of the postings.
 *
 * `idf(term)` is synchronous (the Retriever contract); it answers from the statistics read by
 * recent searches — the terms of the question being answered — and 0 for a term never searched.
 */
export class PgLexicalRetriever implements LexicalRetriever {
  private readonly idfs = new Map<string, number>();

  constructor(
    private readonly db: Queryable,
    private readonly params: Bm25Params,
  ) {}

  idf(term: string): number {
    return this.idfs.get(term) ?? 0;
  }

  async search(
    terms: readonly string[],
    k: number,
    filter?: SearchFilter,
    coverageTerms: readonly string[] = terms,
  ): Promise<LexicalHit[]> {
    if (k <= 0 || terms.length === 0) return [];
    const queryFreqs = new Map<string, number>();
    for (const term of terms) queryFreqs.set(term, (queryFreqs.get(term) ?? 0) + 1);
    const coverage = new Set(coverageTerms);
    const lookup = [...new Set([...queryFreqs.keys(), ...coverage])];
    const stats = await this.db.query<{
      term: string | null;
      field: number;
      df: number | null;
      doc_count: number;
      total_length: number;
    }>(
      `SELECT t.term, f.field, t.df, f.doc_count, f.total_length
       FROM field_stats f LEFT JOIN term_stats t ON t.field = f.field AND t.term = ANY($1::text[]) AND t.df > 0`,
      [lookup],
    );
    const fieldStats = new Map<number, { docCount: number; averageLength: number }>();
    const dfs = new Map<string, number>();
    for (const row of stats.rows) {
      fieldStats.set(row.field, {
        docCount: row.doc_count,
        averageLength: row.doc_count === 0 ? 1 : row.total_length / row.doc_count,
      });
      if (row.term !== null && row.df !== null) dfs.set(`${row.field}\u0000${row.term}`, row.df);
    }
    const idfOf = (field: number, term: string) => {
      const df = dfs.get(`${field}\u0000${term}`) ?? 0;
      const docCount = fieldStats.get(field)?.docCount ?? 0;
      return df === 0 || docCount === 0 ? 0 : Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
    };
    for (const term of lookup) this.remember(term, idfOf(fieldNumber.body, term));

    const { k1, b } = this.params;
    const weights = { term: [] as string[], field: [] as number[], tw: [] as number[], cw: [] as number[] };
    const norms = { field: [] as number[], constant: [] as number[], perLength: [] as number[] };
    for (const [name, field] of Object.entries(fieldNumber)) {
      const weight = this.params.fieldWeights[name] ?? 0;
      const stat = fieldStats.get(field);
      if (weight === 0 || !stat || stat.docCount === 0) continue;
      norms.field.push(field);
      norms.constant.push(k1 * (1 - b));
      norms.perLength.push((k1 * b) / stat.averageLength);
      for (const [term, queryFreq] of queryFreqs) {
        const idf = idfOf(field, term);
        if (idf === 0) continue;
        weights.term.push(term);
        weights.field.push(field);
        weights.tw.push(weight * idf * queryFreq);
        weights.cw.push(name === 'body' && coverage.has(term) ? Math.max(idf, 0.1) : 0);
      }
    }
    if (weights.term.length === 0) return [];
    let coverageTotal = 0;
    for (const term of coverage) coverageTotal += Math.max(idfOf(fieldNumber.body, term), 0.1);

    const params: unknown[] = [
      weights.term,
      weights.field,
      weights.tw,
      weights.cw,
      norms.field,
      norms.constant,
      norms.perLength,
      k,
    ];
    const condition = filterCondition(filter, 'p.chunk_id', params);
    const result = await this.db.query<{ chunk_id: number; score: number; matched: number }>(
      `WITH w AS (
         SELECT w.term, w.field, w.tw, w.cw, n.constant, n.per_length
         FROM unnest($1::text[], $2::smallint[], $3::float8[], $4::float8[]) AS w(term, field, tw, cw)
         JOIN unnest($5::smallint[], $6::float8[], $7::float8[]) AS n(field, constant, per_length)
           ON n.field = w.field
       )
       SELECT p.chunk_id,
         sum(w.tw * p.tf / (p.tf + w.constant + w.per_length * p.dl)) AS score,
         sum(w.cw) AS matched
       FROM w JOIN postings p ON p.term = w.term AND p.field = w.field
       WHERE true ${condition}
       GROUP BY p.chunk_id
       ORDER BY score DESC, p.chunk_id
       LIMIT $8`,
      params,
    );
    return result.rows.map((row) => ({
      rowId: row.chunk_id,
      score: row.score,
      coverage: coverageTotal === 0 ? 0 : Math.min(1, row.matched / coverageTotal),
    }));
  }

  private remember(term: string, idf: number): void {
    this.idfs.delete(term);
    this.idfs.set(term, idf);
    if (this.idfs.size > idfCacheSize) {
      const oldest = this.idfs.keys().next().value;
      if (oldest !== undefined) this.idfs.delete(oldest);
    }
  }
}
