import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import Papa from 'papaparse';
import type { LoreApp } from '../src/app/create-app.js';
import type { IngestInput, IngestOutcome } from '../src/core/ingest/ingest.service.js';
import type { BenchCorpus } from './corpus.js';
import type { PeakRssSampler } from './memory.js';
import { type LatencySummary, summarise } from './stats.js';

export interface IngestFileRow {
  file: string;
  format: string;
  status: IngestOutcome['status'];
  ms: number;
  pages?: number;
  chunks?: number;
  error?: string;
}

export interface FormatRow {
  format: string;
  files: number;
  failed: number;
  pages: number;
  chunks: number;
  /** Sum of per-file wall times (files overlap when concurrency > 1). */
  busySeconds: number;
}

export interface IngestResult {
  name: string;
  concurrency: number;
  files: number;
  failed: number;
  totalSeconds: number;
  documentsPerSecond: number;
  chunks: number;
  chunksPerSecond: number;
  /** Pages of the files whose outcome reports pages, and their throughput per busy second. */
  pages: number;
  pagedFiles: number;
  pagesPerSecond: number;
  baselineRssBytes: number;
  peakRssBytes: number;
  rssSamples: number;
  byFormat: FormatRow[];
  failures: { file: string; error: string }[];
  /** The five files that took longest. */
  slowest: { file: string; seconds: number; pages?: number }[];
  /** Lexical search through app.search after ingestion (scifact only). */
  search?: {
    firstQueryMs: number;
    latencyMs: LatencySummary;
    /** The part spent in LexicalIndex.search (SearchResult.timings.lexicalMs). */
    lexicalMs: LatencySummary;
    peakRssBytes: number;
  };
}

export interface IngestBenchOptions {
  createApp: (dataDir: string) => Promise<LoreApp>;
  concurrency: number;
  sampler: PeakRssSampler;
  log: (message: string) => void;
}

interface ManifestRow {
  file?: string;
  status?: string;
  password?: string;
}

/** Files of the documents collection whose MANIFEST.csv status is `ok`. */
export async function okDocuments(dir: string): Promise<{ file: string; password?: string }[]> {
  const text = await readFile(join(dir, 'MANIFEST.csv'), 'utf8');
  const rows = Papa.parse<ManifestRow>(text, { header: true, skipEmptyLines: true }).data;
  return rows
    .filter((row) => row.status === 'ok' && row.file)
    .map((row) => ({ file: row.file!, ...(row.password ? { password: row.password } : {}) }));
}

async function runAll(
  inputs: readonly (() => Promise<IngestInput>)[],
  app: LoreApp,
  concurrency: number,
  formatOf: (index: number) => string,
  onRow?: (row: IngestFileRow, done: number) => void,
): Promise<IngestFileRow[]> {
  const rows: IngestFileRow[] = [];
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      const input = await inputs[index]!();
      const started = performance.now();
      const outcome = await app.ingest.ingest(input);
      rows.push({
        file: input.source,
        format: formatOf(index),
        status: outcome.status,
        ms: performance.now() - started,
        ...(outcome.pages === undefined ? {} : { pages: outcome.pages }),
        ...(outcome.chunks === undefined ? {} : { chunks: outcome.chunks }),
        ...(outcome.error ? { error: `${outcome.error.code}: ${outcome.error.message}` } : {}),
      });
      onRow?.(rows.at(-1)!, rows.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return rows;
}

function summariseRows(name: string, rows: IngestFileRow[], seconds: number, concurrency: number) {
  const byFormat = new Map<string, FormatRow>();
  for (const row of rows) {
    const entry = byFormat.get(row.format) ?? {
      format: row.format,
      files: 0,
      failed: 0,
      pages: 0,
      chunks: 0,
      busySeconds: 0,
    };
    entry.files++;
    if (row.status === 'failed') entry.failed++;
    entry.pages += row.pages ?? 0;
    entry.chunks += row.chunks ?? 0;
    entry.busySeconds += row.ms / 1000;
    byFormat.set(row.format, entry);
  }
  const paged = rows.filter((row) => row.pages !== undefined);
  const pages = paged.reduce((sum, row) => sum + (row.pages ?? 0), 0);
  const pagedSeconds = paged.reduce((sum, row) => sum + row.ms / 1000, 0);
  const chunks = rows.reduce((sum, row) => sum + (row.chunks ?? 0), 0);
  return {
    name,
    concurrency,
    files: rows.length,
    failed: rows.filter((row) => row.status === 'failed').length,
    totalSeconds: seconds,
    documentsPerSecond: rows.length / seconds,
    chunks,
    chunksPerSecond: chunks / seconds,
    pages,
    pagedFiles: paged.length,
    pagesPerSecond: pagedSeconds > 0 ? pages / pagedSeconds : 0,
    byFormat: [...byFormat.values()].sort((a, b) => a.format.localeCompare(b.format)),
    failures: rows
      .filter((row) => row.status === 'failed')
      .map((row) => ({ file: row.file, error: row.error ?? 'failed' })),
    slowest: [...rows]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((row) => ({
        file: row.file,
        seconds: row.ms / 1000,
        ...(row.pages === undefined ? {} : { pages: row.pages }),
      })),
  };
}

/** Runs `work` in a fresh app over a temporary data folder, measuring wall time and peak RSS. */
async function withApp<T>(
  options: IngestBenchOptions,
  work: (app: LoreApp) => Promise<T>,
): Promise<{ value: T; seconds: number; baseline: number; peak: number; samples: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lore-bench-ingest-'));
  const app = await options.createApp(dataDir);
  try {
    const baseline = process.memoryUsage.rss();
    options.sampler.reset();
    const started = performance.now();
    const value = await work(app);
    const seconds = (performance.now() - started) / 1000;
    const { peakBytes, samples } = options.sampler.read();
    return { value, seconds, baseline, peak: peakBytes, samples };
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Ingests every `ok` file of the documents collection through the real pipeline. */
export async function benchDocuments(dir: string, options: IngestBenchOptions): Promise<IngestResult> {
  const files = await okDocuments(dir);
  const inputs = files.map(({ file, password }) => async (): Promise<IngestInput> => {
    const path = join(dir, file);
    return {
      bytes: new Uint8Array(await readFile(path)),
      fileName: file.split('/').at(-1) ?? file,
      source: file,
      collection: 'bench-documents',
      ...(password ? { password } : {}),
    };
  });
  const formatOf = (index: number) => extname(files[index]!.file).slice(1).toLowerCase() || 'none';
  const onRow = (row: IngestFileRow, done: number) =>
    options.log(
      `  [${done}/${files.length}] ${row.file}: ${row.status} in ${(row.ms / 1000).toFixed(2)} s` +
        (row.pages === undefined ? '' : `, ${row.pages} pages`) +
        (row.chunks === undefined ? '' : `, ${row.chunks} chunks`),
    );
  const run = await withApp(options, (app) => runAll(inputs, app, options.concurrency, formatOf, onRow));
  options.log(`  documents: ${run.value.length} files in ${run.seconds.toFixed(1)} s`);
  return {
    ...summariseRows('documents', run.value, run.seconds, options.concurrency),
    baselineRssBytes: run.baseline,
    peakRssBytes: run.peak,
    rssSamples: run.samples,
  };
}

/** Ingests SciFact as text documents (as `lore eval` does), then times lexical search through the app. */
export async function benchScifactIngest(
  corpus: BenchCorpus,
  options: IngestBenchOptions & { rounds: number },
): Promise<IngestResult> {
  const encoder = new TextEncoder();
  const inputs = corpus.docs.map(
    (doc) => async (): Promise<IngestInput> => ({
      bytes: encoder.encode(doc.text.length > 0 ? doc.text : doc.title),
      fileName: `${doc.id}.txt`,
      source: doc.id,
      collection: 'bench-scifact',
      title: doc.title,
    }),
  );
  const run = await withApp(options, async (app) => {
    const started = performance.now();
    const rows = await runAll(inputs, app, options.concurrency, () => 'txt');
    const ingestSeconds = (performance.now() - started) / 1000;
    const ingestPeak = options.sampler.read();
    options.sampler.reset();
    const search = await timeSearch(app, corpus, options.rounds);
    return {
      rows,
      ingestSeconds,
      ingestPeak,
      search: { ...search, peakRssBytes: options.sampler.read().peakBytes },
    };
  });
  const { rows, ingestSeconds, ingestPeak, search } = run.value;
  options.log(`  scifact: ${rows.length} documents ingested in ${ingestSeconds.toFixed(1)} s`);
  return {
    ...summariseRows('scifact', rows, ingestSeconds, options.concurrency),
    baselineRssBytes: run.baseline,
    peakRssBytes: ingestPeak.peakBytes,
    rssSamples: ingestPeak.samples,
    search,
  };
}

/** Lexical search through the app: the first query (which loads the index), a warm-up pass, rounds. */
async function timeSearch(app: LoreApp, corpus: BenchCorpus, roundCount: number) {
  const search = (query: string) => app.search.search({ query, limit: 10, mode: 'lexical' });
  const started = performance.now();
  await search(corpus.queries[0]?.text ?? 'cell');
  const firstQueryMs = performance.now() - started;
  for (const query of corpus.queries) await search(query.text);
  const rounds: number[][] = [];
  const lexical: number[][] = [];
  for (let round = 0; round < roundCount; round++) {
    const latencies: number[] = [];
    const lexicalMs: number[] = [];
    for (const query of corpus.queries) {
      const begin = performance.now();
      const result = await search(query.text);
      latencies.push(performance.now() - begin);
      lexicalMs.push(result.timings.lexicalMs);
    }
    rounds.push(latencies);
    lexical.push(lexicalMs);
  }
  return { firstQueryMs, latencyMs: summarise(rounds), lexicalMs: summarise(lexical) };
}
