import type { Embedder } from '../../ports/embedder.port.js';
import type { DenseRetriever } from '../../ports/retriever.port.js';
import type { Store } from '../../ports/store.port.js';
import type { SearchFilter } from '../records.js';
import { admittedDocuments, isRestrictive } from './filter-mask.js';
import { FlatVectors } from './flat-vectors.js';

export interface DenseHit {
  rowId: number;
  score: number;
}

/**
 * The vectors of one embedder held in memory (an exact flat index, chosen by measuring: see
 * docs/benchmarks.md) and reloaded from the Store when its change token moves.
 */
export class VectorIndex implements DenseRetriever {
  private index: FlatVectors | undefined;
  private token: string | undefined;
  private chunkInfo: Map<number, { documentId: string; collectionId: string }> | undefined;

  constructor(
    private readonly store: Store,
    private readonly embedder: Embedder,
  ) {}

  async search(queryVector: Float32Array, k: number, filter?: SearchFilter): Promise<DenseHit[]> {
    await this.refresh();
    if (!this.index) return [];
    return this.index.search(queryVector, k, await this.allowFunction(filter));
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
    // The embedder id is part of the token: switching index generations reloads the vectors.
    const token = `${await this.store.changeToken()}|${this.embedder.id}`;
    if (token === this.token) return;
    const loaded = await this.store.loadVectors(this.embedder.id);
    if (loaded.dimension === 0) {
      this.index = undefined;
    } else {
      const index = new FlatVectors(loaded.dimension, Math.max(1024, loaded.rowIds.length));
      for (let row = 0; row < loaded.rowIds.length; row++) {
        index.add(
          loaded.rowIds[row]!,
          loaded.matrix.subarray(row * loaded.dimension, (row + 1) * loaded.dimension),
        );
      }
      this.index = index;
    }
    this.chunkInfo = undefined;
    this.token = token;
  }
}
