/** A scored hit inside an index: `slot` is the index's internal position. */
export interface SlotHit {
  slot: number;
  score: number;
}

/**
 * Keeps the `k` highest scores seen, in a binary min-heap over parallel typed arrays.
 * Ties are broken by the lower slot (earlier document) for stable results.
 */
export class TopK {
  private readonly slots: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.slots = new Int32Array(Math.max(1, k));
    this.scores = new Float64Array(Math.max(1, k));
  }

  /**
   * The score a new candidate must beat once the heap is full (-Infinity before). Candidates offered
   * in increasing slot order enter only with a strictly higher score, since ties go to the lower slot.
   */
  get threshold(): number {
    return this.size < this.k ? Number.NEGATIVE_INFINITY : this.scores[0]!;
  }

  /** Offers a candidate; cheap rejection once the heap is full. */
  push(slot: number, score: number): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      this.slots[this.size] = slot;
      this.scores[this.size] = score;
      this.siftUp(this.size++);
      return;
    }
    if (!this.better(slot, score, this.slots[0]!, this.scores[0]!)) return;
    this.slots[0] = slot;
    this.scores[0] = score;
    this.siftDown(0);
  }

  /** Hits in descending score order. */
  result(): SlotHit[] {
    const out: SlotHit[] = [];
    for (let i = 0; i < this.size; i++) out.push({ slot: this.slots[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }

  private better(slotA: number, scoreA: number, slotB: number, scoreB: number): boolean {
    return scoreA > scoreB || (scoreA === scoreB && slotA < slotB);
  }

  private siftUp(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.better(this.slots[parent]!, this.scores[parent]!, this.slots[i]!, this.scores[i]!)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.size && this.worse(left, smallest)) smallest = left;
      if (right < this.size && this.worse(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private worse(a: number, b: number): boolean {
    return this.better(this.slots[b]!, this.scores[b]!, this.slots[a]!, this.scores[a]!);
  }

  private swap(a: number, b: number): void {
    const slot = this.slots[a]!;
    const score = this.scores[a]!;
    this.slots[a] = this.slots[b]!;
    this.scores[a] = this.scores[b]!;
    this.slots[b] = slot;
    this.scores[b] = score;
  }
}
