import { describe, expect, it } from 'vitest';
import { ndcgAt, percentile, recallAt, reciprocalRankAt } from './metrics.js';

const judged = new Map([
  ['a', 1],
  ['b', 2],
]);

describe('metrics', () => {
  it('computes nDCG with exponential gain', () => {
    expect(ndcgAt(['b', 'a'], judged, 10)).toBeCloseTo(1);
    const dcg = 1 / Math.log2(2) + 3 / Math.log2(3);
    const idcg = 3 / Math.log2(2) + 1 / Math.log2(3);
    expect(ndcgAt(['a', 'b'], judged, 10)).toBeCloseTo(dcg / idcg);
    expect(ndcgAt(['x', 'y'], judged, 10)).toBe(0);
  });

  it('computes recall and reciprocal rank within k', () => {
    expect(recallAt(['x', 'a'], judged, 100)).toBe(0.5);
    expect(recallAt(['x', 'a'], judged, 1)).toBe(0);
    expect(reciprocalRankAt(['x', 'y', 'b'], judged, 10)).toBeCloseTo(1 / 3);
    expect(reciprocalRankAt(['x', 'y', 'b'], judged, 2)).toBe(0);
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 95)).toBe(5);
  });
});
