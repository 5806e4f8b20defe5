import { describe, expect, it } from 'vitest';
import { FlatVectors } from './flat-vectors.js';

describe('FlatVectors', () => {
  it('ranks by cosine similarity, whatever the vector lengths', () => {
    const index = new FlatVectors(2);
    index.add(1, new Float32Array([10, 0]));
    index.add(2, new Float32Array([1, 1]));
    index.add(3, new Float32Array([0, 0.1]));
    const hits = index.search(new Float32Array([1, 0.2]), 3);
    expect(hits.map((hit) => hit.rowId)).toEqual([1, 2, 3]);
    expect(hits[0]?.score).toBeCloseTo(1 / Math.sqrt(1.04), 5);
  });

  it('replaces, removes, filters and compacts', () => {
    const index = new FlatVectors(2, 2);
    for (let row = 0; row < 3000; row++) index.add(row, new Float32Array([1, row / 3000]));
    index.add(5, new Float32Array([0, 1]));
    expect(index.size).toBe(3000);
    expect(index.search(new Float32Array([0, 1]), 1)[0]?.rowId).toBe(5);
    for (let row = 0; row < 2000; row++) index.remove(row);
    expect(index.size).toBe(1000);
    const hits = index.search(new Float32Array([1, 1]), 5, (rowId) => rowId % 2 === 0);
    expect(hits).toHaveLength(5);
    expect(hits.every((hit) => hit.rowId >= 2000 && hit.rowId % 2 === 0)).toBe(true);
    expect(() => index.add(1, new Float32Array(3))).toThrow(RangeError);
  });
});
