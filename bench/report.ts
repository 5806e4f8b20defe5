import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestResult } from './ingest.bench.js';
import type { MachineInfo } from './machine.js';
import type { QueryCorpusResult } from './query.bench.js';

export interface BenchReport {
  machine: MachineInfo;
  options: Record<string, unknown>;
  durationSeconds: number;
  query?: QueryCorpusResult[];
  ingest?: { documents?: IngestResult; scifact?: IngestResult; skipped?: string };
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const ms = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
const ratio = (value: number, base: number | undefined) =>
  base && base > 0 ? `${(value / base).toFixed(1)}×` : '–';

/** A markdown table: the first `textColumns` columns left-aligned, the numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], textColumns = 1): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, index) => (index < textColumns ? '---' : '--:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

function queryTables(results: readonly QueryCorpusResult[]): string[] {
  const rows = results.flatMap((result) => {
    const lore = result.engines.find((engine) => engine.engine === 'lore');
    return result.engines.map((engine) => {
      const latency = engine.latencyMs;
      const isolated = engine.isolated;
      const memory = isolated
        ? `${mib(isolated.heapBytes + isolated.externalBytes)} / ${mib(isolated.rssBytes)}`
        : '–';
      const disk = engine.footprint.diskBytes ? ` (+${mib(engine.footprint.diskBytes)} disk)` : '';
      const serving = isolated
        ? `${mib(isolated.servePeakRssBytes)} (base ${mib(isolated.baselineRssBytes)})`
        : '–';
      return [
        engine.engine,
        `${result.corpus} (${result.documents.toLocaleString('en-US')})`,
        ms(latency.p50),
        ms(latency.p95),
        ms(latency.mean),
        ratio(latency.p50, lore?.latencyMs.p50),
        ratio(latency.p95, lore?.latencyMs.p95),
        `${ms(latency.roundP50Min)}–${ms(latency.roundP50Max)}`,
        (engine.buildMs / 1000).toFixed(2),
        `${memory}${disk}`,
        serving,
        engine.ndcgAt10 === undefined ? '–' : engine.ndcgAt10.toFixed(4),
      ];
    });
  });
  const header = [
    'engine',
    'corpus (docs)',
    'p50 ms',
    'p95 ms',
    'mean ms',
    'p50 × lore',
    'p95 × lore',
    'round p50 range',
    'build s',
    'JS+buffers / RSS Δ MiB',
    'peak RSS serving MiB',
    'nDCG@10',
  ];
  const peaks = results.map(
    (result) =>
      `- ${result.corpus}: ${result.description}; ${result.queries} queries × ${result.rounds} rounds ` +
      `(${result.warmupPasses} warm-up pass, at most ${(result.budgetMs / 1000).toFixed(0)} s per engine ` +
      `per pass; timed queries: ${result.engines.map((e) => `${e.engine} ${e.latencyMs.count}`).join(', ')}); ` +
      `all engines in one process: peak RSS ${mib(result.peakRssBytes.build)} MiB while ` +
      `building all engines, ${mib(result.peakRssBytes.queries)} MiB while serving queries`,
  );
  return ['## Query latency (top 10)', '', ...table(header, rows, 2), '', ...peaks, ''];
}

function ingestTables(ingest: NonNullable<BenchReport['ingest']>): string[] {
  if (ingest.skipped) return ['## Ingestion', '', `Skipped: ${ingest.skipped}`, ''];
  const results = [ingest.documents, ingest.scifact].filter((item): item is IngestResult => Boolean(item));
  const header = [
    'run',
    'files',
    'failed',
    'total s',
    'docs/s',
    'chunks',
    'chunks/s',
    'pages (files)',
    'pages/s',
    'peak RSS MiB',
  ];
  const rows = results.map((result) => [
    `${result.name} (concurrency ${result.concurrency})`,
    String(result.files),
    String(result.failed),
    result.totalSeconds.toFixed(1),
    result.documentsPerSecond.toFixed(1),
    String(result.chunks),
    result.chunksPerSecond.toFixed(0),
    result.name === 'documents' ? `${result.pages} (${result.pagedFiles})` : '–',
    result.name === 'documents' ? result.pagesPerSecond.toFixed(1) : '–',
    `${mib(result.peakRssBytes)} (base ${mib(result.baselineRssBytes)})`,
  ]);
  const lines = ['## Ingestion', '', ...table(header, rows), ''];
  if (ingest.documents) {
    const formatRows = ingest.documents.byFormat.map((row) => [
      row.format,
      String(row.files),
      String(row.failed),
      String(row.pages),
      String(row.chunks),
      row.busySeconds.toFixed(2),
    ]);
    lines.push(
      ...table(['format', 'files', 'failed', 'pages', 'chunks', 'busy s'], formatRows),
      '',
      ...ingest.documents.failures.map((failure) => `- failed: ${failure.file}: ${failure.error}`),
      `Slowest files: ${ingest.documents.slowest
        .map((file) => `${file.file} ${file.seconds.toFixed(1)} s${file.pages ? ` (${file.pages} p.)` : ''}`)
        .join(', ')}.`,
      '',
    );
  }
  const search = ingest.scifact?.search;
  if (search) {
    lines.push(
      `Lexical search through app.search after ingesting scifact: first query ${ms(search.firstQueryMs)} ms ` +
        `(loads the index), then p50 ${ms(search.latencyMs.p50)} ms, p95 ${ms(search.latencyMs.p95)} ms, ` +
        `mean ${ms(search.latencyMs.mean)} ms over ${search.latencyMs.count} queries, of which ` +
        `LexicalIndex.search p50 ${ms(search.lexicalMs.p50)} ms, mean ${ms(search.lexicalMs.mean)} ms; peak RSS ` +
        `${mib(search.peakRssBytes)} MiB.`,
      '',
    );
  }
  return lines;
}

export function toMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `# Lore benchmark ${m.date}`,
    '',
    `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryTotalGiB} GiB RAM, Node ${m.node}, ${m.platform}; ` +
      `load average at start ${m.loadAverage.join(' ')}; run took ${report.durationSeconds.toFixed(0)} s.`,
    '',
    ...(report.query ? queryTables(report.query) : []),
    ...(report.ingest ? ingestTables(report.ingest) : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** Writes `bench/results/<date>[-<suffix>].json` and returns its path. */
export function writeReport(report: BenchReport, dir: string, suffix: string): string {
  mkdirSync(dir, { recursive: true });
  const date = report.machine.date.slice(0, 10);
  const path = join(dir, `${date}${suffix ? `-${suffix}` : ''}.json`);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
