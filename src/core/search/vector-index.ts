import type { Embedder } from '../../ports/embedder.port.js';
import type { Store } from '../../ports/store.port.js';
import type { SearchFilter } from '../records.js';
import { admittedDocuments, isRestrictive } from './filter-mask.js';
import { TopK } from './top-k.js';

export interface DenseHit {
  rowId: number;
  score: number;
}

/**
 * Exact (flat) cosine search over the vectors of one embedder, held in memory and reloaded when
 * the Store changes. Vectors are L2-normalised on load, so a dot product is the cosine.
 */
export class VectorIndex {
  private rowIds: Int32Array = new Int32Array(0);
  private matrix: Float32Array = new Float32Array(0);
  private dimension = 0;
  private token: string | undefined;
  private chunkInfo: Map<number, { documentId: string; collectionId: string }> | undefined;

  constructor(
    private readonly store: Store,
    private readonly embedder: Embedder,
  ) {}

  async search(queryVector: Float32Array, k: number, filter?: SearchFilter): Promise<DenseHit[]> {
    await this.refresh();
    if (this.dimension === 0 || queryVector.length !== this.dimension) return [];
    const query = normalise(queryVector);
    const allow = await this.allowFunction(filter);
    const top = new TopK(k);
    const { matrix, dimension, rowIds } = this;
    for (let row = 0; row < rowIds.length; row++) {
      if (allow && !allow(rowIds[row]!)) continue;
      let dot = 0;
      const offset = row * dimension;
      for (let i = 0; i < dimension; i++) dot += matrix[offset + i]! * query[i]!;
      top.push(row, dot);
    }
    return top.result().map((hit) => ({ rowId: rowIds[hit.slot]!, score: hit.score }));
  }

  private async allowFunction(
    filter: SearchFilter | undefined,
  ): Promise<((rowId: number) => boolean) | undefined> {
    if (!isRestrictive(filter)) return undefined;
    const collections = filter.collectionIds ? new Set(filter.collectionIds) : undefined;
    const documents = admittedDocuments(filter, await this.store.documentFilterInfo(filter.documentIds));
    if (!this.chunkInfo) {
      const changes = await this.store.chunkChanges();
      this.chunkInfo = new Map(
        changes.added.map((row) => [
          row.rowId,
          { documentId: row.documentId, collectionId: row.collectionId },
        ]),
      );
    }
    const chunkInfo = this.chunkInfo;
    return (rowId) => {
      const info = chunkInfo.get(rowId);
      if (!info) return false;
      return (
        (!collections || collections.has(info.collectionId)) && (!documents || documents.has(info.documentId))
      );
    };
  }

  private async refresh(): Promise<void> {
    const token = await this.store.changeToken();
    if (token === this.token) return;
    const loaded = await this.store.loadVectors(this.embedder.id);
    this.chunkInfo = undefined;
    for (let row = 0; row < loaded.rowIds.length; row++) {
      const slice = loaded.matrix.subarray(row * loaded.dimension, (row + 1) * loaded.dimension);
      slice.set(normalise(slice));
    }
    this.rowIds = loaded.rowIds;
    this.matrix = loaded.matrix;
    this.dimension = loaded.dimension;
    this.token = token;
  }
}

function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm);
  if (norm === 0) return vector;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}
