import type { SearchFilter } from '../../../core/records.js';
import type { Embedder } from '../../../ports/embedder.port.js';
import type { DenseHit, DenseRetriever } from '../../../ports/retriever.port.js';
import { inTransaction, type PgPool } from './database.js';
import { filterCondition } from './pg-filter.js';
import { vectorShape } from './pg-vector-indexes.js';
import { vectorLiteral } from './rows.js';

export interface PgDenseOptions {
  /** HNSW candidate list size; raised to `k` when a search asks for more (recall vs speed). */
  efSearch: number;
}

/**
 * Nearest chunks of one embedder through its partial pgvector HNSW index (cosine), the filter in
 * the same query. pgvector's iterative scan keeps filtered searches from coming back short.
 */
export class PgDenseRetriever implements DenseRetriever {
  constructor(
    private readonly pool: PgPool,
    private readonly embedder: Pick<Embedder, 'id'>,
    private readonly options: PgDenseOptions = { efSearch: 100 },
  ) {}

  async search(queryVector: Float32Array, k: number, filter?: SearchFilter): Promise<DenseHit[]> {
    if (k <= 0 || queryVector.length === 0) return [];
    const shape = vectorShape(this.embedder.id, queryVector.length);
    const params: unknown[] = [vectorLiteral(queryVector), k];
    const condition = filterCondition(filter, 'v.chunk_id', params);
    const distance = `${shape.expression('v')} <=> ${shape.parameter('$1')}`;
    const efSearch = Math.min(1000, Math.max(this.options.efSearch, k));
    return inTransaction(this.pool, async (client) => {
      await client.query(
        `SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`,
        [String(efSearch)],
      );
      const result = await client.query<{ chunk_id: number; distance: number }>(
        `SELECT v.chunk_id, ${distance} AS distance FROM chunk_vectors v
         WHERE ${shape.predicate('v')} ${condition}
         ORDER BY ${distance} LIMIT $2`,
        params,
      );
      // relaxed_order may return near-ties slightly out of order; the final order is exact.
      return result.rows
        .map((row) => ({ rowId: row.chunk_id, score: 1 - row.distance }))
        .sort((a, b) => b.score - a.score || a.rowId - b.rowId);
    });
  }
}
