import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PgPool } from './database.js';

/** HNSW indexes a `vector` up to 2,000 dimensions and a `halfvec` up to 4,000 (pgvector limits). */
const maxVectorDimensions = 2000;
const maxHalfvecDimensions = 4000;

/** How the vectors of one (embedder, dimension) are indexed and compared. */
export interface VectorShape {
  /** The typed expression over `alias.vector` the index is built on and queries order by. */
  expression(alias: string): string;
  /** The query parameter `$n` cast to the same type. */
  parameter(placeholder: string): string;
  /** Condition selecting this embedder's rows (literal values, so the partial index matches). */
  predicate(alias: string): string;
  indexed: boolean;
}

/** The shape of an embedder's vectors: cast to a sized type so an HNSW index (partial, per embedder) applies. */
export function vectorShape(embedderId: string, dimension: number): VectorShape {
  const type =
    dimension <= maxVectorDimensions
      ? `vector(${dimension})`
      : dimension <= maxHalfvecDimensions
        ? `halfvec(${dimension})`
        : `vector(${dimension})`;
  return {
    expression: (alias) => `(${alias}.vector::${type})`,
    parameter: (placeholder) => `${placeholder}::${type}`,
    predicate: (alias) =>
      `${alias}.embedder_id = ${pg.escapeLiteral(embedderId)} AND ${alias}.dimension = ${Number(dimension)}`,
    indexed: dimension <= maxHalfvecDimensions,
  };
}

/** The index name of an (embedder, dimension): stable, short, safe as an identifier. */
export function vectorIndexName(embedderId: string, dimension: number): string {
  return `chunk_vectors_hnsw_${createHash('sha256').update(`${embedderId}\u0000${dimension}`).digest('hex').slice(0, 16)}`;
}

/**
 * One partial HNSW index (cosine) per (embedder, dimension) on the shared `chunk_vectors` table,
 * created the first time an embedder writes vectors. Built CONCURRENTLY so writers of other
 * embedders are not blocked; concurrent creators are harmless (IF NOT EXISTS, duplicate errors
 * ignored, an invalid leftover rebuilt).
 */
export class VectorIndexes {
  private readonly known = new Set<string>();

  constructor(private readonly pool: PgPool) {}

  async ensure(embedderId: string, dimension: number): Promise<void> {
    const key = `${embedderId}\u0000${dimension}`;
    if (this.known.has(key)) return;
    const shape = vectorShape(embedderId, dimension);
    const name = vectorIndexName(embedderId, dimension);
    const registered = await this.pool.query(
      `SELECT 1 FROM vector_indexes r JOIN pg_class i ON i.relname = r.index_name
       JOIN pg_index x ON x.indexrelid = i.oid AND x.indisvalid
       WHERE r.embedder_id = $1 AND r.dimension = $2`,
      [embedderId, dimension],
    );
    if (registered.rowCount === 0 && shape.indexed) {
      const invalid = await this.pool.query(
        `SELECT 1 FROM pg_class i JOIN pg_index x ON x.indexrelid = i.oid WHERE i.relname = $1 AND NOT x.indisvalid`,
        [name],
      );
      if (invalid.rowCount) await this.pool.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
      const opclass = dimension <= maxVectorDimensions ? 'vector_cosine_ops' : 'halfvec_cosine_ops';
      try {
        await this.pool.query(
          `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON chunk_vectors
           USING hnsw (${shape.expression('chunk_vectors')} ${opclass}) WHERE ${shape.predicate('chunk_vectors')}`,
        );
      } catch (error) {
        // Another process created it at the same moment.
        const code = (error as { code?: string }).code;
        if (code !== '23505' && code !== '42P07') throw error;
      }
    }
    await this.pool.query(
      `INSERT INTO vector_indexes (embedder_id, dimension, index_name) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [embedderId, dimension, name],
    );
    this.known.add(key);
  }

  /** Drops the indexes of an embedder (all dimensions). */
  async drop(embedderId: string): Promise<void> {
    const rows = await this.pool.query<{ index_name: string; dimension: number }>(
      'DELETE FROM vector_indexes WHERE embedder_id = $1 RETURNING index_name, dimension',
      [embedderId],
    );
    for (const row of rows.rows) {
      await this.pool.query(`DROP INDEX CONCURRENTLY IF EXISTS ${row.index_name}`);
      this.known.delete(`${embedderId}\u0000${row.dimension}`);
    }
  }
}
