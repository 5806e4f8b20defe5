import { FlatVectors } from '../../src/core/search/flat-vectors.js';
import type { DenseEngine } from './dense-engine.js';

/** Lore's exact index: `FlatVectors` (cosine on normalised vectors, one Float32Array, JS loop). */
export class FlatEngine implements DenseEngine {
  readonly name = 'flat';
  readonly description =
    'Lore `FlatVectors` (src/core/search/flat-vectors.ts): exact scan in JS, capacity = n as `VectorIndex` sizes it';
  index = new FlatVectors(1);

  build(vectors: Float32Array, dimension: number): void {
    this.index = loadFlat(vectors, dimension);
  }

  search(query: Float32Array, k: number): number[] {
    return this.index.search(query, k).map((hit) => hit.rowId);
  }

  add(firstRowId: number, vectors: Float32Array): void {
    const { dimension } = this.index;
    for (let row = 0; row * dimension < vectors.length; row++) {
      this.index.add(firstRowId + row, vectors.subarray(row * dimension, (row + 1) * dimension));
    }
  }

  /** The matrix (4 bytes per float), row ids (4) and live flags (1) per row. */
  footprint(): Record<string, number> {
    return { indexBytes: this.index.size * (4 * this.index.dimension + 5) };
  }

  close(): void {
    this.index = new FlatVectors(1);
  }
}

/** A `FlatVectors` filled the way `VectorIndex.refresh` fills it after a change. */
export function loadFlat(vectors: Float32Array, dimension: number): FlatVectors {
  const rows = vectors.length / dimension;
  const index = new FlatVectors(dimension, Math.max(1024, rows));
  for (let row = 0; row < rows; row++) {
    index.add(row, vectors.subarray(row * dimension, (row + 1) * dimension));
  }
  return index;
}

/**
 * `FlatVectors.search` with an `allow` callback shaped like `VectorIndex`'s collection filter: a
 * Map lookup from row id to chunk info, then a Set lookup of its collection. Rows are spread over ten
 * collections (row id mod 10) and one is admitted, so 10 % of rows pass. Shares the index of `flat`
 * when given one.
 */
export class FlatFilterEngine implements DenseEngine {
  readonly name = 'flat-filter10';
  readonly description =
    '`FlatVectors.search(q, 10, allow)`, allow = Map row → {collectionId} + Set.has, admits 10 % of rows (row mod 10 = 3)';
  private own: FlatVectors | undefined;
  private info = new Map<number, { documentId: string; collectionId: string }>();
  private readonly collections = new Set(['collection-3']);
  private readonly allow = (rowId: number): boolean => {
    const info = this.info.get(rowId);
    return info !== undefined && this.collections.has(info.collectionId);
  };
  readonly admits = (rowId: number): boolean => rowId % 10 === 3;

  constructor(private readonly shared?: FlatEngine) {}

  build(vectors: Float32Array, dimension: number): void {
    if (!this.shared) this.own = loadFlat(vectors, dimension);
    const rows = vectors.length / dimension;
    this.info = new Map();
    for (let row = 0; row < rows; row++) {
      this.info.set(row, {
        documentId: `doc-${Math.floor(row / 8)}`,
        collectionId: `collection-${row % 10}`,
      });
    }
  }

  search(query: Float32Array, k: number): number[] {
    const index = this.shared?.index ?? this.own;
    return index ? index.search(query, k, this.allow).map((hit) => hit.rowId) : [];
  }

  footprint(): Record<string, number> {
    return this.shared ? { sharesFlatIndex: 1 } : {};
  }

  close(): void {
    this.own = undefined;
    this.info = new Map();
  }
}
