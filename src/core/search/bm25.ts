import { type SlotHit, TopK } from './top-k.js';

/** A hit with the share of the coverage terms it contains (see `SearchOptions.coverageTerms`). */
export interface ScoredHit extends SlotHit {
  coverage: number;
}

export interface SearchOptions {
  /** Consulted for every candidate before it can enter the result (filters, access control). */
  allow?: (slot: number) => boolean;
  /**
   * Terms whose IDF-weighted presence in the body field is reported as `coverage` (0–1); unseen
   * terms weigh 0.1. Used to tell whether a passage is about the question at all.
   */
  coverageTerms?: readonly string[];
}

/** BM25 parameters (Lucene formula). */
export interface Bm25Params {
  k1: number;
  b: number;
  /** Weight of each field's BM25 score in the sum; fields absent here are not indexed. */
  fieldWeights: Readonly<Record<string, number>>;
}

/** Lucene/Anserini defaults measured best on BEIR-style abstracts; see docs/benchmarks.md. */
export const defaultBm25Params: Bm25Params = { k1: 0.9, b: 0.4, fieldWeights: { title: 1, body: 1 } };

class Postings {
  slots = new Int32Array(4);
  freqs = new Uint16Array(4);
  /** tf / (tf + k1·(1 − b + b·dl/avgdl)) per posting, refreshed when lengths change. */
  impacts = new Float32Array(4);
  size = 0;
  /** Postings of live slots: the document frequency (tombstones whose terms were given are not counted). */
  live = 0;

  add(slot: number, freq: number): void {
    if (this.size === this.slots.length) {
      const slots = new Int32Array(this.size * 2);
      slots.set(this.slots);
      this.slots = slots;
      const freqs = new Uint16Array(this.size * 2);
      freqs.set(this.freqs);
      this.freqs = freqs;
      this.impacts = new Float32Array(this.size * 2);
    }
    this.slots[this.size] = slot;
    this.freqs[this.size] = Math.min(freq, 65_535);
    this.size++;
    this.live++;
  }
}

class FieldIndex {
  readonly postings = new Map<string, Postings>();
  lengths = new Float32Array(1024);
  norms = new Float32Array(1024);
  totalLength = 0;
  /** Documents with a non-empty field (Lucene's docCount). */
  docCount = 0;

  grow(capacity: number): void {
    if (capacity <= this.lengths.length) return;
    const lengths = new Float32Array(capacity);
    lengths.set(this.lengths);
    this.lengths = lengths;
    this.norms = new Float32Array(capacity);
  }
}

/**
 * An in-memory BM25 index over documents with named fields, scored as the weighted sum of each
 * field's Lucene BM25: idf = ln(1 + (N − df + 0.5)/(df + 0.5)), tf part = tf / (tf + k1·(1 − b + b·dl/avgdl)).
 * Removal leaves a tombstone in the postings; given the removed document's terms, the statistics
 * (document count, lengths, document frequencies) drop it at once, so scores equal those of an index
 * built from the live documents only. Without them the statistics keep counting it (as Lucene does
 * until a merge).
 *
 * @example
 * const index = new Bm25Index(defaultBm25Params);
 * const slot = index.add({ title: ['cat'], body: ['cat', 'sat'] });
 * index.search(['cat'], 10); // [{ slot, score }]
 */
export class Bm25Index {
  private readonly fields = new Map<string, FieldIndex>();
  private deleted = new Uint8Array(1024);
  private capacity = 1024;
  private slotCount = 0;
  private deletedCount = 0;
  private normsDirty = true;
  private scores = new Float64Array(1024);
  private matched = new Float32Array(1024);
  private touched = new Int32Array(1024);

  constructor(private readonly params: Bm25Params) {
    for (const name of Object.keys(params.fieldWeights)) this.fields.set(name, new FieldIndex());
  }

  /** Number of slots ever added, tombstones included. */
  get size(): number {
    return this.slotCount;
  }

  /** Fraction of slots that are tombstones; a high value calls for a rebuild. */
  get deletedRatio(): number {
    return this.slotCount === 0 ? 0 : this.deletedCount / this.slotCount;
  }

  /** Indexes a document given its analysed terms per field; returns its slot. */
  add(fieldTerms: Readonly<Record<string, readonly string[]>>): number {
    const slot = this.slotCount++;
    this.ensureCapacity(this.slotCount);
    for (const [name, field] of this.fields) {
      const terms = fieldTerms[name] ?? [];
      field.lengths[slot] = terms.length;
      if (terms.length === 0) continue;
      field.totalLength += terms.length;
      field.docCount++;
      const freqs = new Map<string, number>();
      for (const term of terms) freqs.set(term, (freqs.get(term) ?? 0) + 1);
      for (const [term, freq] of freqs) {
        let postings = field.postings.get(term);
        if (!postings) {
          postings = new Postings();
          field.postings.set(term, postings);
        }
        postings.add(slot, freq);
      }
    }
    this.normsDirty = true;
    return slot;
  }

  /** Inverse document frequency of a term in a field (0 when the term is unknown). */
  idf(field: string, term: string): number {
    const index = this.fields.get(field);
    const df = index?.postings.get(term)?.live ?? 0;
    if (!index || df === 0) return 0;
    return Math.log(1 + (index.docCount - df + 0.5) / (df + 0.5));
  }

  /**
   * Marks a slot deleted; it is never returned again. With the terms it was added with, the
   * statistics stop counting it too (exact scores); without, they keep counting it.
   */
  remove(slot: number, fieldTerms?: Readonly<Record<string, readonly string[]>>): void {
    if (slot < 0 || slot >= this.slotCount || this.deleted[slot] === 1) return;
    this.deleted[slot] = 1;
    this.deletedCount++;
    if (!fieldTerms) return;
    for (const [name, field] of this.fields) {
      const terms = fieldTerms[name] ?? [];
      if (terms.length === 0) continue;
      field.totalLength -= terms.length;
      field.docCount--;
      for (const term of new Set(terms)) {
        const postings = field.postings.get(term);
        if (postings) postings.live--;
      }
    }
    this.normsDirty = true;
  }

  isDeleted(slot: number): boolean {
    return this.deleted[slot] === 1;
  }

  /** Top `k` slots for analysed query terms, with their coverage of `options.coverageTerms`. */
  search(queryTerms: readonly string[], k: number, options: SearchOptions = {}): ScoredHit[] {
    if (k <= 0 || queryTerms.length === 0 || this.slotCount === 0) return [];
    if (this.normsDirty) this.computeImpacts();
    const queryFreqs = new Map<string, number>();
    for (const term of queryTerms) queryFreqs.set(term, (queryFreqs.get(term) ?? 0) + 1);
    const coverageTerms = new Set(options.coverageTerms ?? []);

    const scores = this.scores;
    const matched = this.matched;
    const touched = this.touched;
    let touchedCount = 0;
    for (const [name, field] of this.fields) {
      const weight = this.params.fieldWeights[name] ?? 0;
      if (weight === 0 || field.docCount === 0) continue;
      for (const [term, queryFreq] of queryFreqs) {
        const postings = field.postings.get(term);
        if (!postings || postings.live === 0) continue;
        const df = postings.live;
        const idf = Math.log(1 + (field.docCount - df + 0.5) / (df + 0.5));
        const termWeight = weight * idf * queryFreq;
        const coverageWeight = name === 'body' && coverageTerms.has(term) ? Math.max(idf, 0.1) : 0;
        const slots = postings.slots;
        const impacts = postings.impacts;
        const size = postings.size;
        for (let i = 0; i < size; i++) {
          const slot = slots[i]!;
          const current = scores[slot]!;
          if (current === 0) touched[touchedCount++] = slot;
          scores[slot] = current + termWeight * impacts[i]!;
        }
        if (coverageWeight > 0) {
          for (let i = 0; i < size; i++) {
            const slot = slots[i]!;
            matched[slot] = matched[slot]! + coverageWeight;
          }
        }
      }
    }

    const top = new TopK(k);
    const allow = options.allow;
    for (let i = 0; i < touchedCount; i++) {
      const slot = touched[i]!;
      const score = scores[slot]!;
      scores[slot] = 0;
      if (this.deleted[slot] === 1 || (allow && !allow(slot))) continue;
      top.push(slot, score);
    }
    let coverageTotal = 0;
    for (const term of coverageTerms) coverageTotal += Math.max(this.idf('body', term), 0.1);
    const hits = top.result().map((hit) => ({
      ...hit,
      coverage: coverageTotal === 0 ? 0 : Math.min(1, matched[hit.slot]! / coverageTotal),
    }));
    for (let i = 0; i < touchedCount; i++) matched[touched[i]!] = 0;
    return hits;
  }

  /** Recomputes every posting's length-normalised term weight after the average length moved. */
  private computeImpacts(): void {
    const { k1, b } = this.params;
    for (const field of this.fields.values()) {
      const average = field.docCount === 0 ? 1 : field.totalLength / field.docCount;
      const norms = field.norms;
      for (let slot = 0; slot < this.slotCount; slot++) {
        norms[slot] = k1 * (1 - b + (b * field.lengths[slot]!) / average);
      }
      for (const postings of field.postings.values()) {
        const { slots, freqs, impacts, size } = postings;
        for (let i = 0; i < size; i++) {
          const tf = freqs[i]!;
          impacts[i] = tf / (tf + norms[slots[i]!]!);
        }
      }
    }
    this.normsDirty = false;
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < needed) capacity *= 2;
    for (const field of this.fields.values()) field.grow(capacity);
    const deleted = new Uint8Array(capacity);
    deleted.set(this.deleted);
    this.deleted = deleted;
    this.scores = new Float64Array(capacity);
    this.matched = new Float32Array(capacity);
    this.touched = new Int32Array(capacity);
    this.capacity = capacity;
    this.normsDirty = true;
  }
}
