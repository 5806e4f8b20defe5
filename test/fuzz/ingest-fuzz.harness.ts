import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { isErrorCode } from '../../src/core/errors.js';
import { type FuzzFile, familiesFor, type MutationFamily, mutate } from './mutators.js';
import { seededRandom } from './random.js';

export interface IngestFuzzOptions {
  cases: number;
  seed: number;
  /** Mutants per batch; each batch also holds good files that must end up searchable. */
  batchSize?: number;
  parseTimeoutMs: number;
  parseMemoryMb: number;
  /** Slack over the parse timeout for one whole ingestion (chunking, indexing, a loaded machine). */
  marginMs?: number;
  ocr?: 'auto' | 'off';
  onCase?: (record: CaseRecord) => void;
}

export interface CaseRecord {
  index: number;
  family: MutationFamily;
  source: string;
  fileName: string;
  status: string;
  code?: string;
  ms: number;
}

export interface IngestFuzzReport {
  seed: number;
  cases: number;
  perFamily: Record<string, number>;
  failuresByCode: Record<string, number>;
  added: number;
  maxIngestMs: number;
  slowest?: CaseRecord;
  maxRssMb: number;
  rssLimitMb: number;
  goodFiles: number;
  violations: string[];
}

/** `../shared/datasets/documents` beside the checkout, or under `LORE_DATASETS_DIR`. */
export const documentsDir = join(
  process.env.LORE_DATASETS_DIR ??
    resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'datasets'),
  'documents',
);

/**
 * Every document of the dataset, sorted (the manifest and provenance notes and the folders of
 * expected parse results excluded). Plain fs, not the Vitest fixtures, so that the CLI runner works.
 */
export function fuzzSources(): (FuzzFile & { path: string })[] {
  return readdirSync(documentsDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(documentsDir, join(entry.parentPath, entry.name)))
    .filter((path) => path.includes('/') && !path.includes('expected'))
    .sort()
    .map((path) => ({
      path,
      fileName: basename(path),
      bytes: new Uint8Array(readFileSync(join(documentsDir, path))),
    }));
}

/**
 * A Lore app on a temporary data folder, configured as `lore serve` would be (embedded SQLite, or
 * the PostgreSQL database of a `databaseUrl` override). Also used by the hostile-file suite.
 */
export async function fuzzApp(overrides: Record<string, unknown>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-fuzz-'));
  const app = await createApp(loadConfig({}, { dataDir, ...overrides }), {
    embedder: null,
    languageModel: null,
  });
  return Object.assign(app, {
    async dispose() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/**
 * What is wrong with one outcome of a file that may fail: a failure must carry a known LoreError
 * code (not `internal`) and a message that names the file.
 */
export function failureViolations(
  outcome: { status: string; error?: { code: string; message: string } },
  fileName: string,
  where: string,
): string[] {
  if (outcome.status !== 'failed') return [];
  const violations: string[] = [];
  const code = outcome.error?.code ?? 'none';
  if (!isErrorCode(code) || code === 'internal')
    violations.push(`${where}: code ${code}: ${outcome.error?.message}`);
  if (!outcome.error?.message.includes(fileName))
    violations.push(`${where}: message does not name the file: ${outcome.error?.message}`);
  return violations;
}

/** Samples this process's RSS (worker threads included) every 25 ms; `stop` returns the peak in MiB. */
export function sampleRss(): { peakMb(): number; stop(): number } {
  let peak = Math.round(process.memoryUsage().rss / 2 ** 20);
  const timer = setInterval(() => {
    peak = Math.max(peak, Math.round(process.memoryUsage().rss / 2 ** 20));
  }, 25);
  return {
    peakMb: () => peak,
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** A lower-case word unique to one batch (letters only, so the lexical tokenizer keeps it whole). */
function marker(seed: number, batch: number): string {
  let n = seed * 1000 + batch;
  let word = '';
  do {
    word += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  } while (n > 0);
  return `fuzzgood${word}`;
}

const inc = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Feeds seeded mutants of every dataset file through the real ingest service (sandboxed parser,
 * chunker, store, lexical index) in batches mixed with good files, and checks the invariants: no
 * crash, no case over the parse timeout plus a margin, main-process RSS within the sandbox's
 * memory bound, every failure a known LoreError code naming the file, every good file searchable.
 */
export async function runIngestFuzz(options: IngestFuzzOptions): Promise<IngestFuzzReport> {
  const { cases, seed, batchSize = 10, parseTimeoutMs, parseMemoryMb, marginMs = 10_000 } = options;
  const random = seededRandom(seed);
  const sources = fuzzSources();
  const app = await fuzzApp({
    parseTimeoutMs,
    parseMemoryMb,
    parseConcurrency: 1,
    ocr: options.ocr ?? 'off',
  });
  const report: IngestFuzzReport = {
    seed,
    cases: 0,
    perFamily: {},
    failuresByCode: {},
    added: 0,
    maxIngestMs: 0,
    maxRssMb: 0,
    rssLimitMb: 0,
    goodFiles: 0,
    violations: [],
  };
  const baselineRss = process.memoryUsage().rss;
  // The sandbox's own watchdog kills a worker at baseline + 2 × heap limit; allow 256 MiB for the rest.
  report.rssLimitMb = Math.round(baselineRss / 2 ** 20 + 2 * parseMemoryMb + 256);
  const sampler = sampleRss();
  try {
    for (let batch = 0; report.cases < cases; batch++) {
      const word = marker(seed, batch);
      const good = await app.ingest.ingest({
        bytes: new TextEncoder().encode(
          `# Good file ${batch}\n\nThe batch marker is ${word}, beside broken files.\n`,
        ),
        fileName: `good-${batch}.md`,
        source: `fuzz/${batch}/good.md`,
        collection: 'fuzz',
      });
      for (let i = 0; i < batchSize && report.cases < cases; i++) {
        const index = report.cases++;
        const file = sources[index % sources.length]!;
        const mutant = { ...mutate(file, random.pick(familiesFor(file.bytes)), random), source: file.path };
        inc(report.perFamily, mutant.family);
        const started = performance.now();
        let record: CaseRecord;
        try {
          const outcome = await app.ingest.ingest({
            bytes: mutant.bytes,
            fileName: mutant.fileName,
            source: `fuzz/${batch}/${index}/${mutant.fileName}`,
            collection: 'fuzz',
          });
          record = {
            index,
            family: mutant.family,
            source: mutant.source,
            fileName: mutant.fileName,
            status: outcome.status,
            code: outcome.error?.code,
            ms: performance.now() - started,
          };
          const where = `case ${index} (${mutant.family} of ${mutant.source} as ${mutant.fileName}, seed ${seed})`;
          if (outcome.status === 'failed') inc(report.failuresByCode, outcome.error?.code ?? 'none');
          else report.added++;
          report.violations.push(...failureViolations(outcome, mutant.fileName, where));
        } catch (error) {
          record = {
            index,
            family: mutant.family,
            source: mutant.source,
            fileName: mutant.fileName,
            status: 'threw',
            ms: performance.now() - started,
          };
          report.violations.push(
            `case ${index} (${mutant.family} of ${mutant.source}, seed ${seed}) threw: ${String(error)}`,
          );
        }
        if (record.ms > report.maxIngestMs) {
          report.maxIngestMs = record.ms;
          report.slowest = record;
        }
        if (record.ms > parseTimeoutMs + marginMs)
          report.violations.push(
            `case ${index} (${mutant.family} of ${mutant.source}, seed ${seed}) took ${Math.round(record.ms)} ms`,
          );
        options.onCase?.(record);
      }
      const goodAgain = await app.ingest.ingest({
        bytes: new TextEncoder().encode(
          `Closing line of batch ${batch}: ${word}later is the second marker.\n`,
        ),
        fileName: `good-${batch}-after.txt`,
        source: `fuzz/${batch}/good-after.txt`,
        collection: 'fuzz',
      });
      for (const [outcome, query] of [
        [good, word],
        [goodAgain, `${word}later`],
      ] as const) {
        report.goodFiles++;
        const hits = outcome.document
          ? (await app.search.search({ query, mode: 'lexical', limit: 5 })).hits
          : [];
        if (outcome.status !== 'added' || !hits.some((hit) => hit.document.id === outcome.document?.id)) {
          report.violations.push(
            `batch ${batch}: good file ${outcome.fileName} not searchable (${outcome.status} ${outcome.error?.message ?? ''})`,
          );
        }
      }
    }
  } finally {
    report.maxRssMb = sampler.stop();
    await app.dispose();
  }
  if (report.maxRssMb > report.rssLimitMb)
    report.violations.push(`main-process RSS ${report.maxRssMb} MiB over ${report.rssLimitMb} MiB`);
  return report;
}
