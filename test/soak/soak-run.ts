import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { datasetsDir, loadScifact } from '../../bench/corpus.js';
import { type ChaosBackend, type ChaosInstallation, openInstallation } from '../chaos/chaos-installation.js';
import { LoreProcess } from '../fixtures/lore-process.js';
import { Traffic, type TrafficKind, type TrafficSample } from '../fixtures/traffic.js';
import { soakChartSvg } from './soak-chart.js';
import { percentile, type RssTrend, rssTrend } from './soak-stats.js';

// One soak run: a real `lore serve` (API and worker in one process) on SQLite or PostgreSQL, mixed
// traffic from this process (a separate process from the server) with an API key, and every
// `intervalSeconds` a reading of the server's RSS, heap, event-loop lag, open descriptors and the
// database size. Writes `<outDir>/soak-<backend>.json` and `.svg`.

export interface SoakOptions {
  backend: ChaosBackend;
  minutes: number;
  /** Readings before this are warm-up (not in the spread); default min(60 s, a quarter of the run). */
  warmupSeconds?: number;
  /** Seconds between readings and latency intervals; default 5 (runs ≤ 5 min) or 30. */
  intervalSeconds?: number;
  /** Concurrent clients; default 4. */
  clients?: number;
  /** Pause between one client's requests (ms); default 150. */
  pauseMs?: number;
  /** SciFact abstracts uploaded before the run; default 300. */
  seedDocuments?: number;
  outDir: string;
  /** An empty PostgreSQL database; without it a throwaway cluster is started. */
  databaseUrl?: string;
  log?: (line: string) => void;
}

/** One reading of the server. */
export interface SoakReading {
  t: number;
  rssMb: number;
  heapUsedMb: number;
  eventLoopLagP99Ms: number;
  openFds: number;
  dbMb: number;
}

export interface OperationStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface SoakResult {
  backend: ChaosBackend;
  minutes: number;
  startedAt: string;
  uptime: string;
  seedDocuments: number;
  requests: number;
  requestsPerSecond: number;
  operations: Record<string, OperationStats>;
  intervals: { t: number; operations: Record<string, OperationStats> }[];
  readings: SoakReading[];
  /** Requests that failed by design (files broken on purpose), by error code. */
  designedFailures: Record<string, number>;
  /** Everything else that failed, by kind and code (target: none). */
  unexpectedErrors: Record<string, number>;
  examples: string[];
  jobs: { done: number; failedByDesign: number; unexpected: number; unfinished: number };
  rss: RssTrend;
  warmupSeconds: number;
}

const documentsDir = () => join(datasetsDir(), 'documents');

/** Real files of the corpus that ingest, and files that must fail (truncated, empty). */
function uploadFiles(): { good: string[]; bad: string[] } {
  const root = documentsDir();
  const pick = (folder: string, names: string[]) => names.map((name) => join(root, folder, name));
  const good = [
    ...pick('docx', ['docx__tbl-having-tables.docx', 'mammoth__endnotes.docx', 'pandoc__tables.docx']),
    ...pick('markdown', ['pandoc__testsuite.txt']),
    ...readdirSync(join(root, 'csv'))
      .filter((name) => name.endsWith('.csv') && !name.includes('empty'))
      .slice(0, 3)
      .map((name) => join(root, 'csv', name)),
  ];
  const bad = pick('derived_truncated', ['test_truncated_60pct.docx', 'test_truncated_50pct.pptx']);
  return { good, bad };
}

function status(pid: number): { rssMb: number; openFds: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? Number.NaN);
  return { rssMb: kb / 1024, openFds: readdirSync(`/proc/${pid}/fd`).length };
}

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

/** Size of a live folder: files the server removes while it is walked (staged uploads, temporary
 * index files) count as gone rather than failing the sample. */
function directoryMb(dir: string): number {
  return directoryBytes(dir) / 1024 / 1024;
}

function directoryBytes(dir: string): number {
  let bytes = 0;
  for (const entry of ifPresent(() => readdirSync(dir, { withFileTypes: true }), [])) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? directoryBytes(path) : ifPresent(() => statSync(path).size, 0);
  }
  return bytes;
}

function ifPresent<T>(read: () => T, gone: T): T {
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return gone;
    throw error;
  }
}

function stats(samples: TrafficSample[]): OperationStats {
  const ms = samples.map((sample) => sample.ms);
  return { count: ms.length, p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), p99: percentile(ms, 0.99) };
}

function byKind(samples: TrafficSample[]): Record<string, OperationStats> {
  const groups = new Map<TrafficKind, TrafficSample[]>();
  for (const sample of samples) groups.set(sample.kind, [...(groups.get(sample.kind) ?? []), sample]);
  return Object.fromEntries([...groups].sort().map(([kind, group]) => [kind, stats(group)]));
}

/** Signs in as `email` and creates a read/write API key; returns its secret. */
export async function signIn(url: string, email: string, password: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await fetch(`${url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'soak', scopes: ['read', 'write'] }),
  });
  if (!created.ok) throw new Error(`API key creation failed: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { secret: string }).secret;
}

/**
 * Waits for the jobs in the order they were queued: it polls the oldest unfinished one and moves
 * past every later one that has finished, so waiting costs about one request per poll rather than
 * one per pending job (which, for thousands of jobs, competes with the ingestion it waits for).
 */
async function waitForJobs(url: string, headers: Record<string, string>, ids: string[], timeoutMs: number) {
  const states = new Map<string, { state: string; error?: string }>();
  const deadline = Date.now() + timeoutMs;
  const get = async (id: string) => {
    const response = await fetch(`${url}/api/v1/jobs/${id}`, { headers });
    const job = (await response.json()) as { state: string; error?: string };
    states.set(id, job);
    return job.state !== 'queued' && job.state !== 'running';
  };
  let next = 0;
  while (next < ids.length && Date.now() < deadline) {
    if (await get(ids[next]!)) next++;
    else await new Promise((resolveWait) => setTimeout(resolveWait, 500));
  }
  for (const id of ids.slice(next)) {
    if (!states.has(id))
      states.set(id, { state: 'not reached', error: `still waiting at the ${timeoutMs} ms deadline` });
  }
  return states;
}

/** Uploads the first `count` SciFact abstracts and waits until every ingestion job is done. */
export async function seed(url: string, headers: Record<string, string>, count: number): Promise<string[]> {
  const docs = loadScifact(datasetsDir()).docs.slice(0, count);
  const ids: string[] = [];
  for (let start = 0; start < docs.length; start += 50) {
    const form = new FormData();
    for (const doc of docs.slice(start, start + 50)) {
      form.append('files', new File([`# ${doc.title}\n\n${doc.text}\n`], `scifact-${doc.id}.md`));
    }
    const response = await fetch(`${url}/api/v1/documents`, { method: 'POST', headers, body: form });
    if (response.status !== 202)
      throw new Error(`seed upload failed: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { files: { jobId?: string }[] };
    ids.push(...body.files.map((file) => file.jobId).filter((id): id is string => Boolean(id)));
  }
  const states = await waitForJobs(url, headers, ids, 600_000);
  const notDone = [...states.values()].filter((job) => job.state !== 'done');
  if (notDone.length > 0)
    throw new Error(`seeding: ${notDone.length} jobs not done: ${JSON.stringify(notDone[0])}`);
  return ids;
}

/** Runs one soak and writes its JSON and SVG into `outDir`. */
/**
 * The environment of a load run's `lore serve` (soak, capacity): API and worker in one process, an
 * admin to sign in as, and the per-key limiters raised — all traffic uses one API key, and the
 * limiters (tested elsewhere) would answer 429; 1e6/min is the schema's maximum.
 */
export function loadRunServer(installation: ChaosInstallation, name: string) {
  const email = `${name}@example.com`;
  const password = `${name}-password-long-enough`;
  const env = installation.env(name, 'api,worker', 'default', {
    LORE_USER_MANAGEMENT: 'on',
    LORE_ADMIN_EMAIL: email,
    LORE_ADMIN_PASSWORD: password,
    LORE_PARSE_CONCURRENCY: '2',
    LORE_RATE_LIMIT_PER_MINUTE: '1000000',
    LORE_ASK_RATE_LIMIT_PER_MINUTE: '1000000',
  });
  return { email, password, env };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const warmupSeconds = options.warmupSeconds ?? Math.min(60, (options.minutes * 60) / 4);
  const intervalSeconds = options.intervalSeconds ?? (options.minutes <= 5 ? 5 : 30);
  const installation: ChaosInstallation = await openInstallation({
    backend: options.backend,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  const { email, password, env } = loadRunServer(installation, 'soak');
  let server: LoreProcess | undefined;
  let db: pg.Client | undefined;
  try {
    server = await LoreProcess.start({ name: `soak-${options.backend}`, env, niceness: 0 });
    const url = server.url;
    const headers = { authorization: `Bearer ${await signIn(url, email, password)}` };
    const seedDocuments = options.seedDocuments ?? 300;
    log(`soak ${options.backend}: seeding ${seedDocuments} SciFact abstracts`);
    await seed(url, headers, seedDocuments);
    if (env.LORE_DATABASE_URL) {
      db = new pg.Client({ connectionString: env.LORE_DATABASE_URL });
      await db.connect();
    }
    const databaseMb = async () =>
      db
        ? Number((await db.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b) / 1024 / 1024
        : directoryMb(env.LORE_DATA_DIR!);
    const queries = readFileSync(join(datasetsDir(), 'scifact', 'queries.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { text: string }).text);
    const files = uploadFiles();
    const traffic = new Traffic({
      urls: () => [url],
      clients: options.clients ?? 4,
      pauseMs: options.pauseMs ?? 150,
      headers,
      queries,
      files: files.good,
      badFiles: files.bad,
      mix: {
        search: 0.35,
        'search-post': 0.15,
        ask: 0.15,
        documents: 0.1,
        job: 0.1,
        upload: 0.08,
        'upload-file': 0.04,
        'upload-bad': 0.03,
      },
      timeoutMs: 30_000,
    });
    const readings: SoakReading[] = [];
    const startedAt = Date.now();
    const read = async () => {
      const pid = server!.pid;
      const metrics = await (await fetch(`${url}/metrics`)).text();
      readings.push({
        t: (Date.now() - startedAt) / 1000,
        ...status(pid),
        heapUsedMb: metric(metrics, 'lore_nodejs_heap_size_used_bytes') / 1024 / 1024,
        eventLoopLagP99Ms: metric(metrics, 'lore_nodejs_eventloop_lag_p99_seconds') * 1000,
        dbMb: await databaseMb(),
      });
    };
    log(`soak ${options.backend}: ${options.minutes} min of traffic, a reading every ${intervalSeconds} s`);
    await read();
    traffic.start();
    const endAt = startedAt + options.minutes * 60_000;
    while (Date.now() < endAt) {
      await new Promise((resolveWait) =>
        setTimeout(resolveWait, Math.min(intervalSeconds * 1000, endAt - Date.now())),
      );
      await read();
      const last = readings.at(-1)!;
      log(
        `  t=${last.t.toFixed(0)}s requests=${traffic.samples.length} rss=${last.rssMb.toFixed(0)}MB heap=${last.heapUsedMb.toFixed(0)}MB fds=${last.openFds} lag99=${last.eventLoopLagP99Ms.toFixed(0)}ms db=${last.dbMb.toFixed(1)}MB`,
      );
    }
    await traffic.stop();
    const samples = traffic.samples;
    const badUploads = new Set(samples.filter((s) => s.kind === 'upload-bad').flatMap((s) => s.jobIds ?? []));
    const allJobs = samples.flatMap((s) => s.jobIds ?? []);
    const jobStates = await waitForJobs(url, headers, allJobs, 120_000);
    const designedFailures: Record<string, number> = {};
    const unexpectedErrors: Record<string, number> = {};
    const examples: string[] = [];
    const count = (into: Record<string, number>, key: string) => {
      into[key] = (into[key] ?? 0) + 1;
    };
    for (const sample of samples) {
      const failed = sample.status === 0 || sample.status >= 400 || sample.code !== undefined;
      if (!failed) continue;
      const key = `${sample.kind} ${sample.status} ${sample.code ?? ''}`.trim();
      if (sample.kind === 'upload-bad' && sample.status >= 400 && sample.status < 500)
        count(designedFailures, key);
      else {
        count(unexpectedErrors, key);
        if (examples.length < 10) examples.push(`${key}: ${sample.message ?? ''}`.slice(0, 300));
      }
    }
    const jobs = { done: 0, failedByDesign: 0, unexpected: 0, unfinished: 0 };
    for (const [id, job] of jobStates) {
      if (job.state === 'done') jobs.done++;
      else if (['queued', 'running', 'not reached'].includes(job.state)) jobs.unfinished++;
      else if (badUploads.has(id) && job.state === 'failed') {
        jobs.failedByDesign++;
        count(designedFailures, `job failed: ${(job.error ?? '').slice(0, 60)}`);
      } else {
        jobs.unexpected++;
        count(unexpectedErrors, `job ${job.state}`);
        if (examples.length < 10) examples.push(`job ${id} ${job.state}: ${job.error ?? ''}`.slice(0, 300));
      }
    }
    const intervals: SoakResult['intervals'] = [];
    for (let from = startedAt; from < endAt; from += intervalSeconds * 1000) {
      intervals.push({
        t: (from - startedAt) / 1000 + intervalSeconds,
        operations: byKind(traffic.between(from, from + intervalSeconds * 1000)),
      });
    }
    const result: SoakResult = {
      backend: options.backend,
      minutes: options.minutes,
      startedAt: new Date(startedAt).toISOString(),
      uptime: readFileSync('/proc/loadavg', 'utf8').trim(),
      seedDocuments,
      requests: samples.length,
      requestsPerSecond: samples.length / (options.minutes * 60),
      operations: byKind(samples),
      intervals,
      readings,
      designedFailures,
      unexpectedErrors,
      examples,
      jobs,
      rss: rssTrend(
        readings.map((r) => ({ t: r.t, mb: r.rssMb })),
        warmupSeconds,
      ),
      warmupSeconds,
    };
    writeSoakOutputs(options.outDir, result);
    return result;
  } finally {
    await db?.end().catch(() => undefined);
    await server?.stop();
    await installation.dispose();
  }
}

/** Writes `soak-<backend>.json` and `soak-<backend>.svg` into `outDir`. */
export function writeSoakOutputs(outDir: string, result: SoakResult): void {
  mkdirSync(resolve(outDir), { recursive: true });
  writeFileSync(join(outDir, `soak-${result.backend}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const series = (kind: string, q: 'p50' | 'p99') =>
    result.intervals
      .filter((i) => i.operations[kind])
      .map((i) => ({ x: i.t / 60, y: i.operations[kind]![q] }));
  const svg = soakChartSvg(
    [
      {
        title: `Soak on ${result.backend === 'sqlite' ? 'embedded SQLite' : 'PostgreSQL'}: ${result.minutes} min, ${result.requestsPerSecond.toFixed(1)} req/s mixed`,
        latency: [
          { label: 'search p50', color: '#1f77b4', points: series('search', 'p50') },
          { label: 'search p99', color: '#1f77b4', points: series('search', 'p99'), dashed: true },
          { label: 'ask p50', color: '#2ca02c', points: series('ask', 'p50') },
          { label: 'ask p99', color: '#2ca02c', points: series('ask', 'p99'), dashed: true },
        ],
        rss: {
          label: 'RSS MB',
          color: '#d62728',
          points: result.readings.map((r) => ({ x: r.t / 60, y: r.rssMb })),
        },
      },
    ],
    `started ${result.startedAt}; load average ${result.uptime}; RSS slope (2nd half) ${result.rss.slopeMbPerMin.toFixed(2)} MB/min`,
  );
  writeFileSync(join(outDir, `soak-${result.backend}.svg`), svg);
}
