// Posting lists of the in-memory BM25 index, with the per-block score bounds that dynamic pruning
// (max-score.ts) needs. Everything here is append-only: documents get increasing slots, so adding
// one appends to the end of its terms' lists and never rewrites the others.

/** Postings per block whose maximum impact is kept (a power of two). */
export const blockShift = 7;
export const blockSize = 1 << blockShift;

/**
 * The BM25 tf part, tf / (tf + k1·(1 − b + b·dl/avgdl)), rounded to float32 at the same two steps
 * as the precomputed impacts it replaces (norm, then impact), so scores are unchanged to the bit.
 */
export function impactOf(tf: number, length: number, k1: number, b: number, average: number): number {
  return Math.fround(tf / (tf + Math.fround(k1 * (1 - b + (b * length) / average))));
}

/** Impacts of (tf, length) pairs below these bounds come from a table (`FieldIndex.impacts`). */
export const tableFreqs = 16;
export const tableLengthShift = 12;
export const tableLengths = 1 << tableLengthShift;

/**
 * One term's postings in one field: slots ascending, term frequencies, the document's field length
 * (so the tf part is two sequential loads and a table lookup), block maxima.
 */
export class Postings {
  slots = new Int32Array(4);
  freqs = new Uint16Array(4);
  lengths = new Uint16Array(4);
  /**
   * Highest impact in each block of `blockSize` postings, computed with the field's `boundAverage`
   * (valid for another average after scaling, see `FieldIndex.boundScale`).
   */
  blockMax = new Float32Array(1);
  size = 0;
  /** Postings of live slots: the document frequency (tombstones whose terms were given are not counted). */
  live = 0;

  /** Appends a posting; `impact` is its impact at the field's bound average (0 while none is set). */
  add(slot: number, freq: number, length: number, impact: number): void {
    if (this.size === this.slots.length) {
      const slots = new Int32Array(this.size * 2);
      slots.set(this.slots);
      this.slots = slots;
      const freqs = new Uint16Array(this.size * 2);
      freqs.set(this.freqs);
      this.freqs = freqs;
      const lengths = new Uint16Array(this.size * 2);
      lengths.set(this.lengths);
      this.lengths = lengths;
    }
    const block = this.size >>> blockShift;
    if (block === this.blockMax.length) {
      const blockMax = new Float32Array(this.blockMax.length * 2);
      blockMax.set(this.blockMax);
      this.blockMax = blockMax;
    }
    this.slots[this.size] = slot;
    this.freqs[this.size] = Math.min(freq, 65_535);
    this.lengths[this.size] = Math.min(length, 65_535);
    if (impact > this.blockMax[block]!) this.blockMax[block] = impact;
    this.size++;
    this.live++;
  }

  get blockCount(): number {
    return (this.size + blockSize - 1) >>> blockShift;
  }
}

/** How far the average length may drift from the one the bounds were computed with before they are recomputed. */
const maxDrift = 1.1;

/** One field: its posting lists, document lengths and the statistics of Lucene's BM25. */
export class FieldIndex {
  readonly postings = new Map<string, Postings>();
  lengths = new Float32Array(1024);
  totalLength = 0;
  /** Documents with a non-empty field (Lucene's docCount). */
  docCount = 0;
  /** The average length the block maxima were computed with (0: not computed yet). */
  boundAverage = 0;
  /** impactOf(tf, length) at `tableAverage`, at index tf << tableLengthShift | length. */
  private table = new Float32Array(tableFreqs << tableLengthShift);
  private tableAverage = 0;

  constructor(
    private readonly k1: number,
    private readonly b: number,
  ) {}

  get average(): number {
    return this.docCount === 0 ? 1 : this.totalLength / this.docCount;
  }

  grow(capacity: number): void {
    if (capacity <= this.lengths.length) return;
    const lengths = new Float32Array(capacity);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }

  /** The impact table at the current average length (rebuilt when the average moved: 64k divisions). */
  impacts(): Float32Array {
    const average = this.average;
    if (average !== this.tableAverage) {
      const { k1, b, table } = this;
      for (let tf = 1; tf < tableFreqs; tf++) {
        for (let length = 0; length < tableLengths; length++) {
          table[(tf << tableLengthShift) | length] = impactOf(tf, length, k1, b, average);
        }
      }
      this.tableAverage = average;
    }
    return this.table;
  }

  /** Impact of a new posting at the bound average, for its block maximum. */
  boundImpact(freq: number, length: number): number {
    return this.boundAverage === 0 ? 0 : impactOf(freq, length, this.k1, this.b, this.boundAverage);
  }

  /**
   * Factor turning a block maximum into an upper bound of the impacts at the current average.
   * An impact grows with the average length, never faster than it: at average A′ ≥ A the norm
   * k1·(1 − b + b·dl/A′) is at least A/A′ of the norm at A, so the impact is at most A′/A of it.
   * The bounds are recomputed first when the average has drifted too far (then the factor is 1).
   * 1e-6 covers the float32 rounding of both impacts.
   */
  boundScale(): number {
    const average = this.average;
    if (
      this.boundAverage === 0 ||
      average > this.boundAverage * maxDrift ||
      average * maxDrift < this.boundAverage
    ) {
      this.recomputeBounds(average);
    }
    return Math.max(1, average / this.boundAverage) * (1 + 1e-6);
  }

  /** Block maxima of every list at `average` (linear in the postings; runs after a large drift only). */
  private recomputeBounds(average: number): void {
    const { k1, b, lengths } = this;
    for (const postings of this.postings.values()) {
      const { slots, freqs, size } = postings;
      const blockMax = new Float32Array(Math.max(1, postings.blockMax.length));
      for (let i = 0; i < size; i++) {
        const impact = impactOf(freqs[i]!, lengths[slots[i]!]!, k1, b, average);
        const block = i >>> blockShift;
        if (impact > blockMax[block]!) blockMax[block] = impact;
      }
      postings.blockMax = blockMax;
    }
    this.boundAverage = average;
  }
}
