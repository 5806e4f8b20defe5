import { blockShift, impactOf, tableFreqs, tableLengthShift, tableLengths } from './bm25-postings.js';
import type { TopK } from './top-k.js';

/** One (field, term) posting list of a query, with its weight in the sum. */
export interface QueryList {
  slots: Int32Array;
  freqs: Uint16Array;
  /** Each posting's document length, and impacts by (tf, length) at the current average. */
  postingLengths: Uint16Array;
  table: Float32Array;
  size: number;
  blockMax: Float32Array;
  /** The field's document lengths and current average length. */
  lengths: Float32Array;
  average: number;
  /** Field weight × idf × query frequency. */
  weight: number;
  /** Multiplier turning a block maximum into a bound on this list's contribution. */
  bound: number;
}

/** Documents per window (a power of two): the accumulator stays in cache. */
const windowShift = 12;
const windowSize = 1 << windowShift;
/** Prune only when the bound is below the threshold by more than summation-order rounding. */
const margin = 1 - 1e-9;

/**
 * Top-k BM25 with dynamic pruning: Lucene's MaxScore over windows of slots. In each window, the
 * lists whose summed window bounds cannot reach the current k-th score are "non-essential": a
 * document found only in them cannot enter, so only the essential lists are scanned (into a
 * window-sized accumulator); each document found is then completed from the non-essential lists
 * by seeking, stopping as soon as its bound falls to the threshold. Survivors are scored exactly,
 * summing the lists in their given order, which is the exhaustive scorer's order, so scores are
 * the same to the bit and ties rank the same.
 */
export class MaxScoreScorer {
  private readonly accumulator = new Float64Array(windowSize);
  private readonly touched = new Int32Array(windowSize >>> 5);
  /** Postings the last `collect` read term at a time (the rest were skipped or sought). */
  scanned = 0;

  constructor(
    private readonly k1: number,
    private readonly b: number,
  ) {}

  /** Offers every document of the lists that can make the top k to `top`; `live` excludes deleted and filtered slots. */
  collect(lists: readonly QueryList[], top: TopK, live: (slot: number) => boolean): void {
    const n = lists.length;
    this.scanned = 0;
    if (n === 0) return;
    const { k1, b, accumulator, touched } = this;
    const cursors = new Int32Array(n);
    const windowStarts = new Int32Array(n);
    const exactCursors = new Int32Array(n);
    const blockPointers = new Int32Array(n);
    const windowBounds = new Float64Array(n);
    const order = new Int32Array(n);
    const essential = new Uint8Array(n);
    let lo = Number.MAX_SAFE_INTEGER;
    let last = -1;
    for (const list of lists) {
      lo = Math.min(lo, list.slots[0]!);
      last = Math.max(last, list.slots[list.size - 1]!);
    }

    while (lo <= last) {
      const hi = lo + windowSize;
      for (let i = 0; i < n; i++) {
        windowBounds[i] = windowBound(lists[i]!, blockPointers, i, lo, hi);
        order[i] = i;
      }
      // Lists by window bound, ascending (insertion sort: a query has tens of lists at most).
      for (let i = 1; i < n; i++) {
        const list = order[i]!;
        let j = i - 1;
        while (j >= 0 && windowBounds[order[j]!]! > windowBounds[list]!) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = list;
      }
      const threshold = top.threshold * margin;
      let nonEssential = 0;
      let nonEssentialBound = 0;
      while (nonEssential < n && nonEssentialBound + windowBounds[order[nonEssential]!]! <= threshold) {
        nonEssentialBound += windowBounds[order[nonEssential]!]!;
        nonEssential++;
      }
      if (nonEssential === n) {
        lo = hi;
        continue;
      }
      for (let r = 0; r < n; r++) essential[order[r]!] = r >= nonEssential ? 1 : 0;

      // Essential lists, term at a time, into the window's accumulator.
      for (let r = nonEssential; r < n; r++) {
        const i = order[r]!;
        const { slots, freqs, postingLengths, table, size, lengths, average, weight } = lists[i]!;
        let c = seek(slots, size, cursors[i]!, lo);
        windowStarts[i] = c;
        exactCursors[i] = c;
        for (; c < size; c++) {
          const slot = slots[c]!;
          if (slot >= hi) break;
          const offset = slot - lo;
          const tf = freqs[c]!;
          const length = postingLengths[c]!;
          const impact =
            tf < tableFreqs && length < tableLengths
              ? table[(tf << tableLengthShift) | length]!
              : impactOf(tf, lengths[slot]!, k1, b, average);
          accumulator[offset] = accumulator[offset]! + weight * impact;
          touched[offset >>> 5] = touched[offset >>> 5]! | (1 << (offset & 31));
        }
        this.scanned += c - windowStarts[i]!;
        cursors[i] = c;
      }

      // Documents of the window in slot order: complete, prune, score exactly.
      for (let word = 0; word < touched.length; word++) {
        let bits = touched[word]!;
        if (bits === 0) continue;
        touched[word] = 0;
        while (bits !== 0) {
          const lowest = bits & -bits;
          bits ^= lowest;
          const offset = (word << 5) + 31 - Math.clz32(lowest);
          const slot = lo + offset;
          const partial = accumulator[offset]!;
          accumulator[offset] = 0;
          const threshold = top.threshold * margin;
          let bound = partial + nonEssentialBound;
          if (bound <= threshold) continue;
          let pruned = false;
          for (let r = nonEssential - 1; r >= 0; r--) {
            const i = order[r]!;
            const list = lists[i]!;
            bound -= windowBounds[i]!;
            const c = seek(list.slots, list.size, cursors[i]!, slot);
            cursors[i] = c;
            if (c < list.size && list.slots[c] === slot) bound += contribution(list, c, k1, b);
            if (bound <= threshold) {
              pruned = true;
              break;
            }
          }
          if (pruned || !live(slot)) continue;
          let score = 0;
          for (let i = 0; i < n; i++) {
            const list = lists[i]!;
            let c = cursors[i]!;
            if (essential[i] === 1) {
              c = seek(list.slots, c, exactCursors[i]!, slot);
              exactCursors[i] = c;
            }
            if (c < list.size && list.slots[c] === slot) score += contribution(list, c, k1, b);
          }
          top.push(slot, score);
        }
      }
      lo = hi;
    }
  }
}

/** Weight × impact of posting `c` of a list. */
function contribution(list: QueryList, c: number, k1: number, b: number): number {
  const tf = list.freqs[c]!;
  const length = list.postingLengths[c]!;
  const impact =
    tf < tableFreqs && length < tableLengths
      ? list.table[(tf << tableLengthShift) | length]!
      : impactOf(tf, list.lengths[list.slots[c]!]!, k1, b, list.average);
  return list.weight * impact;
}

/** Upper bound of a list's contribution to any slot in [lo, hi), from the blocks overlapping it. */
function windowBound(list: QueryList, pointers: Int32Array, i: number, lo: number, hi: number): number {
  const { slots, size, blockMax } = list;
  const blocks = (size + (1 << blockShift) - 1) >>> blockShift;
  let block = pointers[i]!;
  while (block < blocks && slots[Math.min(size, (block + 1) << blockShift) - 1]! < lo) block++;
  pointers[i] = block;
  let max = 0;
  for (let at = block; at < blocks && slots[at << blockShift]! < hi; at++) {
    if (blockMax[at]! > max) max = blockMax[at]!;
  }
  return max * list.bound;
}

/** First index in [from, end) whose slot is ≥ `slot` (end when none): galloping, then binary search. */
function seek(slots: Int32Array, end: number, from: number, slot: number): number {
  if (from >= end || slots[from]! >= slot) return from;
  let step = 1;
  let low = from;
  let high = from + 1;
  while (high < end && slots[high]! < slot) {
    low = high;
    step *= 2;
    high = from + step;
  }
  if (high > end) high = end;
  // slots[low] < slot; answer in (low, high].
  while (low + 1 < high) {
    const middle = (low + high) >>> 1;
    if (slots[middle]! < slot) low = middle;
    else high = middle;
  }
  return high;
}
