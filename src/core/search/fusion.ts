/** One ranked list entering fusion. */
export interface RankedList {
  weight: number;
  rowIds: readonly number[];
}

/**
 * Weighted reciprocal rank fusion: score(d) = Σ weight_i / (k + rank_i(d)), ranks from 1.
 *
 * @example fuseRrf([{ weight: 1, rowIds: [3, 1] }, { weight: 1, rowIds: [1, 2] }], 60) // 1 first
 */
export function fuseRrf(lists: readonly RankedList[], k: number): { rowId: number; score: number }[] {
  const scores = new Map<number, number>();
  for (const list of lists) {
    if (list.weight === 0) continue;
    list.rowIds.forEach((rowId, index) => {
      scores.set(rowId, (scores.get(rowId) ?? 0) + list.weight / (k + index + 1));
    });
  }
  return [...scores.entries()]
    .map(([rowId, score]) => ({ rowId, score }))
    .sort((a, b) => b.score - a.score || a.rowId - b.rowId);
}
