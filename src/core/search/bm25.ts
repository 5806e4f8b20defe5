import {
  FieldIndex,
  impactOf,
  Postings,
  tableFreqs,
  tableLengthShift,
  tableLengths,
} from './bm25-postings.js';
import { MaxScoreScorer, type QueryList } from './max-score.js';
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
  /**
   * `auto` (default) prunes with MaxScore when the query's lists are long enough to pay for it;
   * `exhaustive` scores every posting (the reference the pruned scorer is tested against).
   */
  strategy?: 'auto' | 'exhaustive' | 'pruned';
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

/** Below this many postings in a query's lists, scoring them all is cheaper than pruning (measured). */
const pruneAbove = 20_000;

/**
 * An in-memory BM25 index over documents with named fields, scored as the weighted sum of each
 * field's Lucene BM25: idf = ln(1 + (N − df + 0.5)/(df + 0.5)), tf part = tf / (tf + k1·(1 − b + b·dl/avgdl)).
 * Removal leaves a tombstone in the postings; given the removed document's terms, the statistics
 * (document count, lengths, document frequencies) drop it at once, so scores equal those of an index
 * built from the live documents only. Without them the statistics keep counting it (as Lucene does
 * until a merge). Adding a document appends to its terms' lists and costs nothing else: the tf part
 * is computed at query time from the current average length, and pruning bounds stay valid as the
 * average drifts.
 *
 * @example
 * const index = new Bm25Index(defaultBm25Params);
 * const slot = index.add({ title: ['cat'], body: ['cat', 'sat'] });
 * index.search(['cat'], 10); // [{ slot, score, coverage }]
 */
export class Bm25Index {
  private readonly fields = new Map<string, FieldIndex>();
  private readonly scorer: MaxScoreScorer;
  private deleted = new Uint8Array(1024);
  private capacity = 1024;
  private slotCount = 0;
  private deletedCount = 0;
  private scores = new Float64Array(1024);
  private touched = new Int32Array(1024);

  constructor(private readonly params: Bm25Params) {
    for (const name of Object.keys(params.fieldWeights)) {
      this.fields.set(name, new FieldIndex(params.k1, params.b));
    }
    this.scorer = new MaxScoreScorer(params.k1, params.b);
  }

  /** Postings read in full by the last pruned search (for tests and profiling). */
  get lastScanned(): number {
    return this.scorer.scanned;
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
        postings.add(slot, freq, terms.length, field.boundImpact(Math.min(freq, 65_535), terms.length));
      }
    }
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
  }

  isDeleted(slot: number): boolean {
    return this.deleted[slot] === 1;
  }

  /** Top `k` slots for analysed query terms, with their coverage of `options.coverageTerms`. */
  search(queryTerms: readonly string[], k: number, options: SearchOptions = {}): ScoredHit[] {
    if (k <= 0 || queryTerms.length === 0 || this.slotCount === 0) return [];
    const queryFreqs = new Map<string, number>();
    for (const term of queryTerms) queryFreqs.set(term, (queryFreqs.get(term) ?? 0) + 1);
    const lists = this.queryLists(queryFreqs);
    const top = new TopK(k);
    const allow = options.allow;
    const deleted = this.deleted;
    const strategy = options.strategy ?? 'auto';
    const postings = lists.reduce((sum, list) => sum + list.size, 0);
    if (strategy === 'pruned' || (strategy === 'auto' && postings > pruneAbove)) {
      this.scorer.collect(lists, top, (slot) => deleted[slot] === 0 && (!allow || allow(slot)));
    } else {
      this.collectAll(lists, top, allow);
    }
    return this.withCoverage(top.result(), queryFreqs, options.coverageTerms ?? []);
  }

  /** The query's posting lists in scoring order: fields in index order, then terms in query order. */
  private queryLists(queryFreqs: ReadonlyMap<string, number>): QueryList[] {
    const lists: QueryList[] = [];
    for (const [name, field] of this.fields) {
      const weight = this.params.fieldWeights[name] ?? 0;
      if (weight === 0 || field.docCount === 0) continue;
      let scale = 0;
      let table: Float32Array | undefined;
      for (const [term, queryFreq] of queryFreqs) {
        const postings = field.postings.get(term);
        if (!postings || postings.live === 0) continue;
        if (scale === 0) scale = field.boundScale();
        table ??= field.impacts();
        const df = postings.live;
        const idf = Math.log(1 + (field.docCount - df + 0.5) / (df + 0.5));
        const termWeight = weight * idf * queryFreq;
        lists.push({
          slots: postings.slots,
          freqs: postings.freqs,
          postingLengths: postings.lengths,
          table,
          size: postings.size,
          blockMax: postings.blockMax,
          lengths: field.lengths,
          average: field.average,
          weight: termWeight,
          bound: termWeight * scale,
        });
      }
    }
    return lists;
  }

  /** Every posting of every list, summed per slot in list order (the exhaustive reference). */
  private collectAll(lists: readonly QueryList[], top: TopK, allow: SearchOptions['allow']): void {
    const { k1, b } = this.params;
    const scores = this.scores;
    const touched = this.touched;
    let touchedCount = 0;
    for (const { slots, freqs, postingLengths, table, size, lengths, average, weight } of lists) {
      for (let i = 0; i < size; i++) {
        const slot = slots[i]!;
        const current = scores[slot]!;
        if (current === 0) touched[touchedCount++] = slot;
        const tf = freqs[i]!;
        const length = postingLengths[i]!;
        const impact =
          tf < tableFreqs && length < tableLengths
            ? table[(tf << tableLengthShift) | length]!
            : impactOf(tf, lengths[slot]!, k1, b, average);
        scores[slot] = current + weight * impact;
      }
    }
    for (let i = 0; i < touchedCount; i++) {
      const slot = touched[i]!;
      const score = scores[slot]!;
      scores[slot] = 0;
      if (this.deleted[slot] === 1 || (allow && !allow(slot))) continue;
      top.push(slot, score);
    }
  }

  /**
   * The hits with their coverage: the IDF-weighted share (float32 sums, in query-term order) of the
   * coverage terms that are query terms found in the hit's body.
   */
  private withCoverage(
    hits: SlotHit[],
    queryFreqs: ReadonlyMap<string, number>,
    coverageTerms: readonly string[],
  ): ScoredHit[] {
    const wanted = new Set(coverageTerms);
    let total = 0;
    for (const term of wanted) total += Math.max(this.idf('body', term), 0.1);
    const body = this.fields.get('body');
    const present: { postings: Postings; weight: number }[] = [];
    if (body && (this.params.fieldWeights.body ?? 0) !== 0 && body.docCount > 0) {
      for (const term of queryFreqs.keys()) {
        const postings = body.postings.get(term);
        if (postings && postings.live > 0 && wanted.has(term))
          present.push({ postings, weight: Math.max(this.idf('body', term), 0.1) });
      }
    }
    return hits.map((hit) => {
      let matched = 0;
      for (const { postings, weight } of present) {
        if (contains(postings, hit.slot)) matched = Math.fround(matched + weight);
      }
      return { ...hit, coverage: total === 0 ? 0 : Math.min(1, matched / total) };
    });
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
    this.touched = new Int32Array(capacity);
    this.capacity = capacity;
  }
}

/** Binary search of a slot in a posting list. */
function contains(postings: Postings, slot: number): boolean {
  const { slots } = postings;
  let low = 0;
  let high = postings.size - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = slots[middle]!;
    if (at === slot) return true;
    if (at < slot) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}
