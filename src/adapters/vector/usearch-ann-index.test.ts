import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlatVectors } from '../../core/search/flat-vectors.js';
import { UsearchAnnIndex, usearchAnnFiles } from './usearch-ann-index.js';

const DIM = 16;

/** Deterministic pseudo-random vectors (xorshift), so failures reproduce. */
function vectors(count: number, seed = 7): Float32Array[] {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 0xffffffff) * 2 - 1;
  };
  return Array.from({ length: count }, () => Float32Array.from({ length: DIM }, next));
}

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'lore-ann-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('UsearchAnnIndex', () => {
  it('finds the same top-10 as an exact scan on a small set', () => {
    const data = vectors(500);
    const ann = UsearchAnnIndex.create(folder, 'g1', 'emb', DIM);
    const exact = new FlatVectors(DIM);
    data.forEach((v, i) => {
      ann.add(i + 1, v);
      exact.add(i + 1, v);
    });
    const queries = vectors(20, 99);
    let agree = 0;
    for (const q of queries) {
      const a = new Set(ann.search(q, 10).map((h) => h.rowId));
      for (const hit of exact.search(q, 10)) if (a.has(hit.rowId)) agree++;
    }
    expect(agree / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
    const [top] = ann.search(data[41]!, 1);
    expect(top?.rowId).toBe(42);
    expect(top?.score).toBeCloseTo(1, 4);
  });

  it('adds and removes incrementally, replaces a row in place', () => {
    const data = vectors(50);
    const ann = UsearchAnnIndex.create(folder, 'g1', 'emb', DIM);
    data.forEach((v, i) => {
      ann.add(i, v);
    });
    expect(ann.size).toBe(50);
    ann.remove(10);
    expect(ann.has(10)).toBe(false);
    expect(ann.size).toBe(49);
    expect(ann.search(data[10]!, 5).map((h) => h.rowId)).not.toContain(10);
    ann.add(11, data[10]!);
    expect(ann.size).toBe(49);
    expect(ann.search(data[10]!, 1)[0]?.rowId).toBe(11);
    ann.remove(999);
    expect(ann.size).toBe(49);
  });

  it('filters with oversampling and returns only admitted rows', () => {
    const data = vectors(300);
    const ann = UsearchAnnIndex.create(folder, 'g1', 'emb', DIM);
    data.forEach((v, i) => {
      ann.add(i, v);
    });
    const hits = ann.search(data[0]!, 10, (rowId) => rowId % 3 === 0);
    expect(hits).toHaveLength(10);
    expect(hits.every((h) => h.rowId % 3 === 0)).toBe(true);
    expect(hits[0]?.rowId).toBe(0);
  });

  it('round-trips through save and open, and rejects another embedder or dimension', () => {
    const data = vectors(100);
    const ann = UsearchAnnIndex.create(folder, 'g1', 'emb', DIM);
    data.forEach((v, i) => {
      ann.add(i + 5, v);
    });
    ann.remove(7);
    ann.save('token-1');
    expect(readdirSync(folder).some((name) => name.includes('.tmp-'))).toBe(false);
    const opened = UsearchAnnIndex.open(folder, 'g1', 'emb', DIM);
    expect(opened?.manifest.changeToken).toBe('token-1');
    expect(opened?.manifest.rowCount).toBe(99);
    expect(opened?.index.has(7)).toBe(false);
    expect(opened?.index.search(data[50]!, 1)[0]?.rowId).toBe(55);
    expect(UsearchAnnIndex.open(folder, 'g1', 'other', DIM)).toBeUndefined();
    expect(UsearchAnnIndex.open(folder, 'g1', 'emb', DIM + 1)).toBeUndefined();
    expect(UsearchAnnIndex.open(folder, 'g2', 'emb', DIM)).toBeUndefined();
  });

  it('keeps the last saved state when killed between an update and the next save', () => {
    const data = vectors(60);
    const ann = UsearchAnnIndex.create(folder, 'g1', 'emb', DIM);
    data.slice(0, 40).forEach((v, i) => {
      ann.add(i, v);
    });
    ann.save('t40');
    // Updates after the save that never reach disk (the process dies here), plus a half-written
    // temporary file such a crash leaves.
    data.slice(40).forEach((v, i) => {
      ann.add(40 + i, v);
    });
    writeFileSync(join(folder, `g1.usearch.tmp-${process.pid + 1}`), 'partial');
    const opened = UsearchAnnIndex.open(folder, 'g1', 'emb', DIM);
    expect(opened?.manifest.changeToken).toBe('t40');
    expect(opened?.index.size).toBe(40);
    expect(opened?.index.has(45)).toBe(false);
  });

  it('treats a manifest that disagrees with its files as missing (rebuild)', () => {
    const ann = UsearchAnnIndex.create(folder, 'g1', 'emb', DIM);
    vectors(10).forEach((v, i) => {
      ann.add(i, v);
    });
    ann.save('t');
    writeFileSync(join(folder, 'g1.keys'), new Uint8Array(8));
    expect(UsearchAnnIndex.open(folder, 'g1', 'emb', DIM)).toBeUndefined();
    writeFileSync(join(folder, 'g1.manifest.json'), '{not json');
    expect(UsearchAnnIndex.manifest(folder, 'g1')).toBeUndefined();
  });

  it('does not hand a garbage or truncated index file to usearch (which crashes on one) but reports it unusable', () => {
    const files = usearchAnnFiles(folder);
    const ann = files.create('g1', DIM);
    vectors(30).forEach((v, i) => {
      ann.add(i + 1, v);
    });
    ann.remove(3);
    ann.save('t');
    expect(UsearchAnnIndex.open(folder, 'g1', 'g1', DIM)?.index.size).toBe(29);
    writeFileSync(join(folder, 'g1.usearch'), 'not an index');
    expect(UsearchAnnIndex.open(folder, 'g1', 'g1', DIM)).toBeUndefined();
    expect(files.open('g1', DIM)).toEqual({ unusable: 'corrupt' });
    expect(files.open('g1', DIM + 1)).toEqual({ unusable: 'other-embedder' });
    expect(files.open('never-built', DIM)).toEqual({ unusable: 'missing' });
  });

  it('rejects a vector of the wrong dimension with a LoreError', () => {
    const ann = UsearchAnnIndex.create(folder, 'g1', 'emb', DIM);
    expect(() => ann.add(1, new Float32Array(3))).toThrow(/length 3 for dimension 16/);
  });
});
