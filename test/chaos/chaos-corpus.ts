import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Deterministic inputs for the fault suites: a seeded random source, generated notes with one unique
// marker each (so a search proves a document is indexed exactly once), broken files that must fail
// cleanly, and real documents from ../shared/datasets when present.

/** A seeded PRNG (mulberry32): the same seed replays the same trials. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/** What a file's ingestion must end in. */
export type Expectation = 'indexed' | 'failed';

/** One file to upload. */
export interface ChaosFile {
  name: string;
  bytes: Uint8Array;
  /** A word only this version of this file contains (generated notes). */
  marker?: string;
  expect: Expectation;
}

/** A real document from the datasets, with the outcome a clean ingestion gives it. */
export interface DatasetFile {
  path: string;
  bytes: Uint8Array;
  expect: Expectation;
}

const vocabulary = (
  'harbour lantern quarterly ledger tide office budget review garden river engine signal archive ' +
  'meeting contract invoice schedule supplier warehouse freight customs permit audit report summary ' +
  'analysis forecast revenue margin policy safety training inspection maintenance vessel crane dock ' +
  'berth pilot weather storm channel depth survey chart beacon buoy anchor cargo container manifest'
).split(' ');

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Generated files for one run. */
export class ChaosCorpus {
  private serial = 0;

  constructor(
    private readonly random: Random,
    private readonly datasets: readonly DatasetFile[] = [],
  ) {}

  /**
   * A Markdown note with a unique marker: a few sections (1–12 chunks at 64 tokens), or with
   * `sections` given, as many as asked (150 make ~500 chunks: a long embedding stage and index
   * transaction).
   */
  note(name = `note-${++this.serial}.md`, sections = this.random.int(1, 6)): ChaosFile {
    const marker = `zq${(++this.serial).toString(36)}x${this.random.int(100, 999)}`;
    const lines = [`# ${this.words(3)} ${name.replace(/\.md$/, '')}`, ''];
    for (let section = 0; section < sections; section++) {
      lines.push(`## ${this.words(2)}`, '');
      const paragraphs = this.random.int(1, 3);
      for (let p = 0; p < paragraphs; p++) {
        const words = this.words(this.random.int(20, 70)).split(' ');
        if (section === 0 && p === 0) words.splice(this.random.int(0, words.length), 0, marker);
        lines.push(`${words.join(' ')}.`, '');
      }
    }
    return { name, bytes: new TextEncoder().encode(lines.join('\n')), marker, expect: 'indexed' };
  }

  /** Bytes that no parser accepts, named like an Office file: its job must fail with a reason. */
  broken(): ChaosFile {
    const bytes = new Uint8Array(this.random.int(200, 4000));
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.random.int(0, 255);
    bytes.set([0x50, 0x4b, 0x03, 0x04], 0); // a zip signature with garbage behind it
    return { name: `broken-${++this.serial}.docx`, bytes, expect: 'failed' };
  }

  /** A real document (PDF, DOCX, PPTX...) under a new name, when the datasets are present. */
  dataset(): ChaosFile | undefined {
    if (this.datasets.length === 0) return undefined;
    const file = this.random.pick(this.datasets);
    const base = file.path.split('/').pop()!;
    return { name: `ds-${++this.serial}-${base}`, bytes: file.bytes, expect: file.expect };
  }

  private words(count: number): string {
    return Array.from({ length: count }, () => this.random.pick(vocabulary)).join(' ');
  }
}

/** Small real documents of several formats from `datasets/documents` (the MANIFEST's `ok` rows). */
export function datasetCandidates(datasetsDir: string, limit = 12): { path: string; bytes: Uint8Array }[] {
  const manifest = readFileSync(join(datasetsDir, 'documents', 'MANIFEST.csv'), 'utf8')
    .split('\n')
    .slice(1);
  const wanted = new Set(['pdf', 'docx', 'pptx', 'xlsx', 'epub', 'odt', 'html', 'rtf']);
  const chosen: { path: string; bytes: Uint8Array }[] = [];
  const perFormat = new Map<string, number>();
  for (const line of manifest) {
    const [file, format, , status, password, bytes] = line.split(',');
    if (!file || !format || status !== 'ok' || password || Number(bytes) > 300_000) continue;
    if (!wanted.has(format) || (perFormat.get(format) ?? 0) >= 2) continue;
    perFormat.set(format, (perFormat.get(format) ?? 0) + 1);
    chosen.push({ path: file, bytes: new Uint8Array(readFileSync(join(datasetsDir, 'documents', file))) });
    if (chosen.length >= limit) break;
  }
  return chosen;
}
