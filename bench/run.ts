import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchCorpus, buildLargeCorpus, datasetsDir, loadScifact, requireDatasets } from './corpus.js';
import { type DenseSetResult, runDenseBench } from './dense.bench.js';
import { parseDenseSets } from './dense-data.js';
import { denseMarkdown } from './dense-report.js';
import { denseEngineNames } from './engines/dense-engine.js';
import type { EngineName } from './engines/engine.js';
import { engineNames } from './engines/index.js';
import { type HttpBenchResult, httpMarkdown, runHttpBench } from './http.bench.js';
import {
  type LexicalScaleResult,
  lexicalScaleMarkdown,
  runLexicalScaleBench,
} from './lexical-scale.bench.js';
import { machineInfo } from './machine.js';
import { PeakRssSampler } from './memory.js';
import { type PostgresBenchResult, postgresMarkdown, runPostgresBench } from './postgres.bench.js';
import type { QueryCorpusResult } from './query.bench.js';
import { runQueryBench } from './query.bench.js';
import { type BenchReport, toMarkdown, writeReport } from './report.js';
import { buildDomainCorpus } from './scale-corpus.js';

const usage = `usage: npm run bench -- [options]
  --only query|ingest|dense|http|postgres|lexical-scale   run one part (default: the first four;
                        postgres and lexical-scale only on request)
  --rounds N            timed passes over the queries (default 5)
  --warmup N            untimed passes before timing (default 1)
  --size N              passages in the large corpus (default 100000)
  --corpus domains|mixed  large corpus: sentences shuffled within each domain (default) or across all (before 2026-12)
  --budget S            seconds one engine may spend on one pass over the queries (default 15)
  --no-isolate          skip the per-engine memory measurement in fresh processes
  --engines a,b         engines to compare (default lore,fts5,minisearch)
  --concurrency N       parallel ingests (default: LORE_PARSE_CONCURRENCY's default, 2)
  --dense-sets LIST     vector sets for the dense part, COUNTxDIM,… (default 20000x384,100000x384,100000x768)
  --dense-budget S      seconds one vector index may spend on one pass over the queries (default 3)
  --connections N       concurrent HTTP connections for the http part (default 50)
  --http-duration S     seconds each HTTP endpoint is loaded (default 20)
  --pg-workers LIST     postgres part: ingest worker processes to compare (default 1,2,4; '' skips)
  --pg-ingest-docs N    postgres part: scifact documents ingested per worker count (default 1000)
  --pg-sizes LIST       postgres part: chunk counts for search latency (default 100000,1000000)
  --pg-dense-up-to N    postgres part: load vectors + HNSW for sizes up to N chunks (default 100000)
  --no-write            do not write bench/results/<date>.json`;

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    size: { type: 'string', default: '100000' },
    corpus: { type: 'string', default: 'domains' },
    budget: { type: 'string', default: '15' },
    'no-isolate': { type: 'boolean', default: false },
    engines: { type: 'string', default: engineNames.join(',') },
    concurrency: { type: 'string' },
    'dense-sets': { type: 'string', default: '20000x384,100000x384,100000x768' },
    'dense-budget': { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    'http-duration': { type: 'string', default: '20' },
    'pg-workers': { type: 'string', default: '1,2,4' },
    'pg-ingest-docs': { type: 'string', default: '1000' },
    'pg-sizes': { type: 'string', default: '100000,1000000' },
    'pg-dense-up-to': { type: 'string', default: '100000' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${usage}\n`);
  process.exit(1);
}

function positive(name: string, raw: string | undefined, min = 1): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) fail(`--${name} must be an integer >= ${min}`);
  return value;
}

if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (
  values.only !== undefined &&
  !['query', 'ingest', 'dense', 'http', 'postgres', 'lexical-scale'].includes(values.only)
) {
  fail('--only must be query, ingest, dense, http, postgres or lexical-scale');
}
const runs = (part: 'query' | 'ingest' | 'dense' | 'http' | 'postgres' | 'lexical-scale') =>
  part === 'postgres' || part === 'lexical-scale'
    ? values.only === part
    : values.only === undefined || values.only === part;
if (values.corpus !== 'domains' && values.corpus !== 'mixed') fail('--corpus must be domains or mixed');
const rounds = positive('rounds', values.rounds);
const warmup = positive('warmup', values.warmup, 0);
const size = positive('size', values.size, 1000);
const budgetMs = positive('budget', values.budget) * 1000;
const engines = (values.engines ?? '').split(',').filter(Boolean) as EngineName[];
const unknown = engines.filter((name) => !engineNames.includes(name));
if (engines.length === 0 || unknown.length > 0) fail(`unknown engine(s): ${unknown.join(', ') || '(none)'}`);
const denseBudgetMs = positive('dense-budget', values['dense-budget']) * 1000;
let denseSets: { count: number; dimension: number }[] = [];
try {
  denseSets = parseDenseSets(values['dense-sets'] ?? '');
} catch (error) {
  fail((error as Error).message);
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const dir = datasetsDir();
if (runs('query') || runs('ingest') || runs('http')) {
  requireDatasets(dir, ['scifact', 'cacm', 'pubmedqa', 'clapnq', ...(runs('ingest') ? ['documents'] : [])]);
}
if (runs('postgres')) requireDatasets(dir, ['scifact', 'cacm', 'pubmedqa']);
if (runs('lexical-scale')) requireDatasets(dir, ['scifact', 'cacm', 'pubmedqa', 'clapnq']);

const started = performance.now();
const sampler = new PeakRssSampler(50);
const report: BenchReport & {
  dense?: DenseSetResult[];
  http?: HttpBenchResult;
  postgres?: PostgresBenchResult;
  lexicalScale?: LexicalScaleResult;
} = {
  machine: machineInfo(),
  options: { rounds, warmup, size, budgetMs, engines, only: values.only ?? 'all', datasets: dir },
  durationSeconds: 0,
};

const scifact = runs('query') || runs('ingest') || runs('http') ? loadScifact(dir) : undefined;
if (runs('query') && scifact) {
  const query: QueryCorpusResult[] = [];
  const isolate = !values['no-isolate'];
  const options = { engines, rounds, warmup, budgetMs, isolate, k: 10, sampler, log };
  log(`query latency: ${scifact.description}`);
  query.push(await runQueryBench(scifact, options));
  const large =
    values.corpus === 'mixed' ? buildLargeCorpus(dir, size).corpus : buildDomainCorpus(dir, size).corpus;
  log(`query latency: ${large.description}`);
  query.push(await runQueryBench(large, options));
  report.query = query;
}

if (runs('ingest') && scifact) {
  report.ingest = await runIngest(scifact);
}

if (runs('dense')) {
  const denseStarted = performance.now();
  const sets = denseSets;
  const options = { sets, engines: denseEngineNames, rounds, warmup, budgetMs: denseBudgetMs, k: 10, log };
  report.dense = await runDenseBench(options);
  log(`dense: ${((performance.now() - denseStarted) / 1000).toFixed(0)} s`);
}
if (runs('http') && scifact) {
  const connections = positive('connections', values.connections);
  const durationSeconds = positive('http-duration', values['http-duration']);
  log(`http load: ${scifact.description}`);
  report.http = await runHttpBench(scifact, { connections, durationSeconds, log });
}
if (runs('postgres')) {
  const list = (name: string, raw: string | undefined) =>
    (raw ?? '')
      .split(',')
      .filter(Boolean)
      .map((item) => positive(name, item));
  report.postgres = await runPostgresBench({
    scifact: loadScifact(dir),
    datasetsDir: dir,
    workers: list('pg-workers', values['pg-workers']),
    ingestDocuments: positive('pg-ingest-docs', values['pg-ingest-docs']),
    sizes: list('pg-sizes', values['pg-sizes']),
    denseUpTo: positive('pg-dense-up-to', values['pg-dense-up-to'], 0),
    dimension: 384,
    log,
  });
}
if (runs('lexical-scale')) {
  // --size defaults to 100,000 for the query part; the scale target is 1M passages.
  const scale = values.size === '100000' ? 1_000_000 : size;
  report.lexicalScale = runLexicalScaleBench({ datasetsDir: dir, size: scale, rounds, warmup, log });
}
await sampler.close();
report.durationSeconds = (performance.now() - started) / 1000;

const markdown =
  toMarkdown(report) +
  (report.dense ? `${denseMarkdown(report.dense).join('\n')}\n` : '') +
  (report.http ? `${httpMarkdown(report.http).join('\n')}\n` : '') +
  (report.postgres ? `${postgresMarkdown(report.postgres).join('\n')}\n` : '') +
  (report.lexicalScale ? `${lexicalScaleMarkdown(report.lexicalScale).join('\n')}\n` : '');
process.stdout.write(markdown);
if (!values['no-write']) {
  const resultsDir = fileURLToPath(new URL('./results', import.meta.url));
  log(`results written to ${writeReport(report, resultsDir, values.only ?? '')}`);
}

async function runIngest(scifact: BenchCorpus): Promise<NonNullable<BenchReport['ingest']>> {
  const parsers = fileURLToPath(new URL('../src/adapters/parse/parsers.ts', import.meta.url));
  if (!existsSync(parsers)) return { skipped: 'src/adapters/parse/parsers.ts does not exist yet' };
  try {
    const { createApp } = await import('../src/app/create-app.js');
    const { loadConfig } = await import('../src/config/load-config.js');
    const { benchDocuments, benchScifactIngest } = await import('./ingest.bench.js');
    const defaults = loadConfig({});
    const concurrency =
      values.concurrency === undefined
        ? defaults.parseConcurrency
        : positive('concurrency', values.concurrency);
    const options = {
      createApp: async (dataDir: string) =>
        createApp(loadConfig({}, { dataDir }), { embedder: null, languageModel: null }),
      concurrency,
      sampler,
      log,
    };
    log('ingestion: documents (MANIFEST status ok)');
    const documents = await benchDocuments(`${dir}/documents`, options);
    log(`ingestion: ${scifact.description}`);
    const scifactRun = await benchScifactIngest(scifact, { ...options, rounds });
    return { documents, scifact: scifactRun };
  } catch (error) {
    log(`ingestion failed: ${(error as Error).stack ?? String(error)}`);
    return { skipped: `ingestion could not run: ${(error as Error).message}` };
  }
}
