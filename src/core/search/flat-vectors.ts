import { TopK } from './top-k.js';

/**
 * Exact cosine search over L2-normalised vectors in one growable Float32Array. Removal leaves a
 * hole that `compact()` closes. It costs roughly 0.5–1 µs per 384-dimension vector per query, so it
 * suits collections up to ~15k chunks within a 10 ms budget; beyond that an HNSW index is the
 * measured alternative (docs/benchmarks.md, "Dense retrieval").
 *
 * @example
 * const index = new FlatVectors(3);
 * index.add(7, new Float32Array([1, 0, 0]));
 * index.search(new Float32Array([1, 0, 0]), 1); // [{ rowId: 7, score: 1 }]
 */
export class FlatVectors {
  private matrix: Float32Array;
  private rowIds: Int32Array;
  private live: Uint8Array;
  private count = 0;
  private removed = 0;
  private readonly slotOf = new Map<number, number>();

  constructor(
    readonly dimension: number,
    capacity = 1024,
  ) {
    this.matrix = new Float32Array(capacity * dimension);
    this.rowIds = new Int32Array(capacity);
    this.live = new Uint8Array(capacity);
  }

  /** Vectors held (removed ones excluded). */
  get size(): number {
    return this.count - this.removed;
  }

  /** Adds or replaces the vector of a row; it is normalised on the way in. */
  add(rowId: number, vector: Float32Array): void {
    if (vector.length !== this.dimension) {
      throw new RangeError(`vector of length ${vector.length} in an index of dimension ${this.dimension}`);
    }
    if (this.slotOf.has(rowId)) this.remove(rowId);
    if (this.count === this.rowIds.length) this.grow();
    const slot = this.count++;
    this.matrix.set(normalise(vector), slot * this.dimension);
    this.rowIds[slot] = rowId;
    this.live[slot] = 1;
    this.slotOf.set(rowId, slot);
  }

  remove(rowId: number): void {
    const slot = this.slotOf.get(rowId);
    if (slot === undefined) return;
    this.live[slot] = 0;
    this.slotOf.delete(rowId);
    this.removed++;
    if (this.removed > 1024 && this.removed > this.count / 4) this.compact();
  }

  /** Top `k` rows by cosine similarity; `allow` filters rows inside the scan. */
  search(
    query: Float32Array,
    k: number,
    allow?: (rowId: number) => boolean,
  ): { rowId: number; score: number }[] {
    if (query.length !== this.dimension || k <= 0) return [];
    const q = normalise(query);
    const { matrix, dimension, rowIds, live } = this;
    const top = new TopK(k);
    for (let slot = 0; slot < this.count; slot++) {
      if (live[slot] === 0) continue;
      const rowId = rowIds[slot]!;
      if (allow && !allow(rowId)) continue;
      top.push(slot, dot(matrix, slot * dimension, q, dimension));
    }
    return top.result().map((hit) => ({ rowId: rowIds[hit.slot]!, score: hit.score }));
  }

  /** Closes the holes left by removals. */
  compact(): void {
    let to = 0;
    for (let from = 0; from < this.count; from++) {
      if (this.live[from] === 0) continue;
      if (to !== from) {
        this.matrix.copyWithin(to * this.dimension, from * this.dimension, (from + 1) * this.dimension);
        this.rowIds[to] = this.rowIds[from]!;
        this.live[to] = 1;
        this.slotOf.set(this.rowIds[to]!, to);
      }
      to++;
    }
    this.live.fill(0, to, this.count);
    this.count = to;
    this.removed = 0;
  }

  private grow(): void {
    const capacity = this.rowIds.length * 2;
    const matrix = new Float32Array(capacity * this.dimension);
    matrix.set(this.matrix);
    this.matrix = matrix;
    const rowIds = new Int32Array(capacity);
    rowIds.set(this.rowIds);
    this.rowIds = rowIds;
    const live = new Uint8Array(capacity);
    live.set(this.live);
    this.live = live;
  }
}

/** Dot product of `matrix[offset…offset+n)` and `q`, unrolled by four (about 1.6× a plain loop in V8). */
function dot(matrix: Float32Array, offset: number, q: Float32Array, n: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a += matrix[offset + i]! * q[i]!;
    b += matrix[offset + i + 1]! * q[i + 1]!;
    c += matrix[offset + i + 2]! * q[i + 2]!;
    d += matrix[offset + i + 3]! * q[i + 3]!;
  }
  for (; i < n; i++) a += matrix[offset + i]! * q[i]!;
  return a + b + c + d;
}

/** The vector scaled to unit length (zero vectors unchanged). */
export function normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm);
  if (norm === 0) return vector;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}
