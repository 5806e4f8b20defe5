import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/corpus.js';
import { Bm25Index, type Bm25Params } from './bm25.js';

/** A Zipf-like vocabulary draw: a few very frequent terms, a long tail of rare ones. */
function zipf(random: () => number, vocabulary: number): string {
  return `t${Math.floor(vocabulary ** random() - 1)}`;
}

function document(random: () => number, vocabulary: number) {
  const length = 1 + Math.floor(random() * 60);
  const body = Array.from({ length }, () => zipf(random, vocabulary));
  const title = Array.from({ length: Math.floor(random() * 6) }, () => zipf(random, vocabulary));
  return { title, body };
}

interface Case {
  seed: number;
  params: Bm25Params;
  documents: number;
  vocabulary: number;
}

function run({ seed, params, documents, vocabulary }: Case): number {
  const random = seededRandom(seed);
  const index = new Bm25Index(params);
  const docs: ReturnType<typeof document>[] = [];
  let compared = 0;
  const compare = () => {
    for (let q = 0; q < 12; q++) {
      const terms = Array.from({ length: 1 + Math.floor(random() * 25) }, () => zipf(random, vocabulary));
      if (random() < 0.3) terms.push(terms[0]!); // repeated query terms weigh more
      const k = [1, 3, 10, 10, 100][Math.floor(random() * 5)]!;
      const modulus = 1 + Math.floor(random() * 7);
      const allow = random() < 0.4 ? (slot: number) => slot % modulus !== 0 : undefined;
      const coverageTerms = terms.filter(() => random() < 0.7);
      const options = { ...(allow ? { allow } : {}), coverageTerms };
      const exhaustive = index.search(terms, k, { ...options, strategy: 'exhaustive' });
      const pruned = index.search(terms, k, { ...options, strategy: 'pruned' });
      expect(pruned).toEqual(exhaustive);
      expect(index.search(terms, k, options)).toEqual(exhaustive);
      compared++;
    }
  };
  for (let n = 0; n < documents; n++) {
    // Duplicates make exact ties, which must rank by slot as in the exhaustive scorer.
    const doc =
      docs.length > 0 && random() < 0.05
        ? docs[Math.floor(random() * docs.length)]!
        : document(random, vocabulary);
    docs.push(doc);
    index.add(doc);
    if (random() < 0.02) {
      // Half the removals give the terms (exact statistics), half leave a plain tombstone.
      const slot = Math.floor(random() * index.size);
      index.remove(slot, random() < 0.5 ? docs[slot] : undefined);
    }
    if (n === Math.floor(documents / 3) || n === Math.floor((2 * documents) / 3)) compare();
  }
  // Documents much longer than the average move it far (bounds recomputed) and then a little.
  for (let n = 0; n < documents / 10; n++) {
    const doc = document(random, vocabulary);
    index.add({ title: doc.title, body: [...doc.body, ...doc.body, ...doc.body] });
    if (n % 400 === 0) compare();
  }
  compare();
  return compared;
}

describe('BM25 dynamic pruning (MaxScore)', () => {
  const settings: Bm25Params[] = [
    { k1: 1.2, b: 0.75, fieldWeights: { title: 0.2, body: 1 } },
    { k1: 0.9, b: 0.4, fieldWeights: { title: 1, body: 1 } },
    { k1: 2, b: 1, fieldWeights: { title: 3, body: 0.5 } },
    { k1: 1.2, b: 0, fieldWeights: { body: 1 } },
  ];
  // One corpus per test (each builds and compares thousands of searches), so a loaded machine
  // stays within the per-test timeout.
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'returns exactly the exhaustive top k, scores, ties and coverage on random corpus %i',
    (seed) => {
      const compared = run({
        seed,
        params: settings[seed % settings.length]!,
        documents: seed % 2 === 0 ? 30_000 : 6_000,
        vocabulary: seed % 3 === 0 ? 300 : 20_000,
      });
      expect(compared).toBeGreaterThan(50);
    },
  );

  it('prunes: the same hits while most postings of frequent terms are skipped', () => {
    const random = seededRandom(99);
    const index = new Bm25Index({ k1: 1.2, b: 0.75, fieldWeights: { body: 1 } });
    for (let n = 0; n < 50_000; n++) {
      index.add({ body: ['common', 'frequent', ...(n % 1000 === 7 ? ['rare'] : []), zipf(random, 5000)] });
    }
    const terms = ['rare', 'common', 'frequent'];
    const exhaustive = index.search(terms, 10, { strategy: 'exhaustive' });
    expect(index.search(terms, 10, { strategy: 'pruned' })).toEqual(exhaustive);
    expect(exhaustive.every((hit) => hit.slot % 1000 === 7)).toBe(true);
    // 50 'rare' + 100,000 'common'/'frequent' postings: once the top 10 hold rare documents, the
    // frequent lists cannot lift anything else above them and are only sought, not scanned.
    expect(index.lastScanned).toBeLessThan(20_000);
  });
});
