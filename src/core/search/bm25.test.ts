import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25.js';

const params = { k1: 1.2, b: 0.75, fieldWeights: { body: 1 } };

describe('Bm25Index', () => {
  it('scores with the Lucene BM25 formula', () => {
    const index = new Bm25Index(params);
    const a = index.add({ body: ['cat', 'sat', 'mat'] });
    index.add({ body: ['dog', 'sat'] });
    index.add({ body: ['dog', 'ran', 'far', 'away'] });
    const [hit] = index.search(['cat'], 5);
    // N=3, df=1 → idf = ln(1 + 2.5/1.5); avgdl = 3, dl = 3 → norm = k1.
    const idf = Math.log(1 + 2.5 / 1.5);
    expect(hit?.slot).toBe(a);
    expect(hit?.score).toBeCloseTo((idf * 1) / (1 + 1.2), 6);
  });

  it('ranks by summed term scores and honours k', () => {
    const index = new Bm25Index(params);
    index.add({ body: ['apple'] });
    const both = index.add({ body: ['apple', 'pie'] });
    index.add({ body: ['pie'] });
    const hits = index.search(['apple', 'pie'], 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]?.slot).toBe(both);
  });

  it('never returns removed or disallowed slots', () => {
    const index = new Bm25Index(params);
    const first = index.add({ body: ['term'] });
    const second = index.add({ body: ['term'] });
    const third = index.add({ body: ['term'] });
    index.remove(first);
    const hits = index.search(['term'], 10, { allow: (slot) => slot !== third });
    expect(hits.map((hit) => hit.slot)).toEqual([second]);
    expect(index.deletedRatio).toBeCloseTo(1 / 3);
  });

  it('scores like an index of the live documents only once removed terms are given', () => {
    const fieldParams = { k1: 1.2, b: 0.75, fieldWeights: { title: 2, body: 1 } };
    const docs = [
      { title: ['tide'], body: ['harbour', 'tide', 'table', 'monday'] },
      { title: ['budget'], body: ['harbour', 'office', 'budget', 'budget', 'review'] },
      { title: [], body: ['garden', 'tide'] },
      { title: ['storm'], body: ['storm', 'harbour', 'closed', 'all', 'day', 'long'] },
    ];
    const live = new Bm25Index(fieldParams);
    const slots = docs.map((doc) => live.add(doc));
    live.remove(slots[1]!, docs[1]);
    live.remove(slots[2]!, docs[2]);
    const fresh = new Bm25Index(fieldParams);
    for (const doc of [docs[0]!, docs[3]!]) fresh.add(doc);
    for (const query of [['harbour'], ['tide', 'storm'], ['budget'], ['harbour', 'day']]) {
      const scores = (index: Bm25Index) => index.search(query, 10).map((hit) => hit.score.toFixed(12));
      expect(scores(live)).toEqual(scores(fresh));
    }
    expect(live.idf('body', 'harbour')).toBe(fresh.idf('body', 'harbour'));
    expect(live.idf('body', 'budget')).toBe(0);
    // Without the terms a removal is a tombstone only: the statistics still count it.
    const tombstoned = new Bm25Index(fieldParams);
    const ids = docs.map((doc) => tombstoned.add(doc));
    tombstoned.remove(ids[1]!);
    expect(tombstoned.idf('body', 'budget')).toBeGreaterThan(0);
  });

  it('weights fields', () => {
    const index = new Bm25Index({ k1: 1.2, b: 0.75, fieldWeights: { title: 3, body: 1 } });
    const inBody = index.add({ title: ['other'], body: ['word', 'filler'] });
    const inTitle = index.add({ title: ['word'], body: ['filler', 'more'] });
    const hits = index.search(['word'], 2);
    expect(hits.map((hit) => hit.slot)).toEqual([inTitle, inBody]);
  });

  it('reports IDF-weighted coverage of the given terms', () => {
    const index = new Bm25Index(params);
    const both = index.add({ body: ['rare', 'common'] });
    index.add({ body: ['common'] });
    index.add({ body: ['common', 'other'] });
    const hits = index.search(['rare', 'common'], 3, { coverageTerms: ['rare', 'common'] });
    const rareIdf = Math.log(1 + 2.5 / 1.5);
    const commonIdf = Math.max(Math.log(1 + 0.5 / 3.5), 0.1);
    expect(hits[0]).toMatchObject({ slot: both });
    expect(hits[0]?.coverage).toBeCloseTo(1, 5);
    expect(hits[1]?.coverage).toBeCloseTo(commonIdf / (rareIdf + commonIdf), 5);
    // An unseen term counts with weight 0.1 and is never matched.
    const withUnseen = index.search(['rare'], 1, { coverageTerms: ['rare', 'unseen'] });
    expect(withUnseen[0]?.coverage).toBeCloseTo(rareIdf / (rareIdf + 0.1), 5);
  });

  it('keeps scores right after documents of other lengths arrive', () => {
    const index = new Bm25Index(params);
    const short = index.add({ body: ['term'] });
    const before = index.search(['term'], 1)[0]!.score;
    index.add({ body: ['other', 'words', 'make', 'the', 'average', 'longer'] });
    const after = index.search(['term'], 1)[0]!;
    expect(after.slot).toBe(short);
    // avgdl grew from 1 to 3.5, so the short document's normalisation changed.
    const idf = Math.log(1 + 1.5 / 1.5);
    expect(after.score).toBeCloseTo(idf / (1 + 1.2 * (1 - 0.75 + 0.75 / 3.5)), 5);
    expect(after.score).not.toBeCloseTo(before, 5);
  });

  it('grows past its initial capacity', () => {
    const index = new Bm25Index(params);
    for (let i = 0; i < 5000; i++) index.add({ body: [`t${i % 7}`, 'common'] });
    expect(index.search(['t3'], 1000)).toHaveLength(714);
  });
});
