import { createHash } from 'node:crypto';
import type { Bm25Params } from '../../../core/search/bm25.js';
import type { IndexedChunkRow } from '../../../ports/store.port.js';

/**
 * How Lore lays chunks out in OpenSearch: one index per embedder generation (its alias names the
 * embedder id, the concrete index also the build time), holding each chunk's Lore-analysed terms in
 * BM25 `text` fields and its vector in an HNSW `knn_vector` field.
 *
 * Lore's analyser (src/core/text) already turned the text into terms; OpenSearch must not analyse
 * them again, so `title` and `body` use the `whitespace` analyzer over the terms joined by spaces and
 * a `BM25` similarity with Lore's k1 and b. Lucene's BM25 is the formula `Bm25Index` implements
 * (idf = ln(1 + (N − df + 0.5)/(df + 0.5)), tf/(tf + k1·(1 − b + b·dl/avgdl))); the one difference is
 * that Lucene stores field lengths in one byte (exact up to 40 terms, ~4 % steps above), so scores of
 * long chunks can differ slightly and near-ties may swap.
 */

/** Name of the text field per Lore field. */
export const textFields = { title: 'title', body: 'body' } as const;
export const vectorField = 'vector';
export const similarityName = 'lore_bm25';

/** Names derived from the index prefix and the embedder generation. */
export interface IndexNames {
  /** Stable name the retrievers query (an alias swapped to each complete build). */
  alias: string;
  /** The index that records the change-log cursor of each alias (`_lore_state`). */
  stateIndex: string;
  /** A new concrete index for a build started at `at`. */
  buildIndex(at: Date): string;
}

/**
 * Index names for one embedder generation (`lexical` without an embedder). OpenSearch index names are
 * lowercase without `\/*?"<>| ,#:`; the embedder id is kept readable and made unique by a short hash.
 */
export function indexNames(prefix: string, embedderId: string | undefined): IndexNames {
  const generation = embedderId ?? 'lexical';
  const readable = generation
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-_.]+/, '')
    .slice(0, 60);
  const hash = createHash('sha256').update(generation).digest('hex').slice(0, 8);
  const alias = `${prefix}-chunks-${readable}-${hash}`;
  return {
    alias,
    stateIndex: `${prefix}-lore-state`,
    buildIndex: (at) =>
      `${alias}-${at
        .toISOString()
        .replace(/[^0-9]/g, '')
        .slice(0, 17)}`,
  };
}

/** Settings and mappings of a chunk index (`PUT /<index>` body). */
export function chunkIndexBody(
  params: Bm25Params,
  dimension: number | undefined,
  options: { shards?: number; replicas?: number } = {},
): Record<string, unknown> {
  const text = { type: 'text', analyzer: 'whitespace', similarity: similarityName };
  const properties: Record<string, unknown> = {
    rowId: { type: 'long' },
    documentId: { type: 'keyword' },
    collectionId: { type: 'keyword' },
    [textFields.title]: text,
    [textFields.body]: text,
  };
  if (dimension !== undefined) {
    properties[vectorField] = {
      type: 'knn_vector',
      dimension,
      method: {
        name: 'hnsw',
        space_type: 'cosinesimil',
        engine: 'lucene',
        parameters: { m: 16, ef_construction: 128 },
      },
    };
  }
  return {
    settings: {
      index: {
        number_of_shards: options.shards ?? 1,
        number_of_replicas: options.replicas ?? 1,
        knn: dimension !== undefined,
        similarity: { [similarityName]: { type: 'BM25', k1: params.k1, b: params.b } },
      },
    },
    mappings: { dynamic: 'strict', properties },
  };
}

/** The indexed document of one chunk (`_id` is the chunk row id). */
export function chunkDocument(
  row: IndexedChunkRow,
  vector: Float32Array | undefined,
): Record<string, unknown> {
  return {
    rowId: row.rowId,
    documentId: row.documentId,
    collectionId: row.collectionId,
    [textFields.title]: row.terms.title.join(' '),
    [textFields.body]: row.terms.body.join(' '),
    ...(vector ? { [vectorField]: Array.from(vector) } : {}),
  };
}

/** NDJSON body of a `_bulk` request: index actions for `added`, delete actions for `removed`. */
export function bulkBody(
  index: string,
  added: readonly { row: IndexedChunkRow; vector: Float32Array | undefined }[],
  removed: readonly number[],
): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const rowId of removed) lines.push({ delete: { _index: index, _id: String(rowId) } });
  for (const { row, vector } of added) {
    lines.push({ index: { _index: index, _id: String(row.rowId) } });
    lines.push(chunkDocument(row, vector));
  }
  return lines;
}
