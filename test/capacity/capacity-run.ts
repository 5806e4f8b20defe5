import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { datasetsDir } from '../../bench/corpus.js';
import { type ChaosBackend, openInstallation } from '../chaos/chaos-installation.js';
import { LoreProcess } from '../fixtures/lore-process.js';
import { soakChartSvg } from '../soak/soak-chart.js';
import { loadRunServer, seed, signIn } from '../soak/soak-run.js';
import { bisectCapacity, runOpenLoop, type StepStats, stepStats } from './open-loop.js';

// One capacity run: a real `lore serve` on SQLite or PostgreSQL seeded with SciFact abstracts (the
// soak's seeding), then open-loop search traffic from this process at stepped rates, then bisection
// between the last good and first bad step. Writes `<outDir>/capacity-<backend>.json` and `.svg`.

export interface CapacityOptions {
  backend: ChaosBackend;
  rates: number[];
  stepSeconds: number;
  warmupSeconds: number;
  seedDocuments: number;
  /** The target: search p99 below this (ms) with no error. */
  p99TargetMs: number;
  outDir: string;
  log?: (line: string) => void;
}

export interface CapacityStep extends StepStats {
  kind: 'step' | 'bisect';
  serverCpuPercent: number;
  serverRssMb: number;
}

export interface CapacityResult {
  backend: ChaosBackend;
  startedAt: string;
  loadBefore: string;
  loadAfter: string;
  seedDocuments: number;
  stepSeconds: number;
  warmupSeconds: number;
  p99TargetMs: number;
  steps: CapacityStep[];
  /** Highest offered rate with p99 < target and no error (null: not even the first step). */
  capacity: number | null;
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim();

/** CPU ticks (user + system) and RSS of a process. */
function processSample(pid: number): { ticks: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return { ticks, rssMb: kb / 1024 };
}

const ticksPerSecond = 100;

export const isGoodStep = (step: StepStats, targetMs: number) => step.errors === 0 && step.p99 < targetMs;

export async function runCapacity(options: CapacityOptions): Promise<CapacityResult> {
  const log = options.log ?? (() => undefined);
  const loadBefore = loadavg();
  const startedAt = new Date().toISOString();
  const installation = await openInstallation({ backend: options.backend });
  const { email, password, env } = loadRunServer(installation, 'capacity');
  let server: LoreProcess | undefined;
  try {
    server = await LoreProcess.start({ name: `capacity-${options.backend}`, env, niceness: 0 });
    const url = server.url;
    const pid = server.pid;
    const headers = { authorization: `Bearer ${await signIn(url, email, password)}` };
    log(`capacity ${options.backend}: seeding ${options.seedDocuments} SciFact abstracts`);
    await seed(url, headers, options.seedDocuments);
    const queries = readFileSync(join(datasetsDir(), 'scifact', 'queries.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { text: string }).text);
    // Half GET, half POST, each a real SciFact query; the body is read to the end.
    const request = async (index: number, signal: AbortSignal) => {
      const q = queries[index % queries.length]!;
      const response =
        index % 2 === 0
          ? await fetch(`${url}/api/v1/search?q=${encodeURIComponent(q)}`, { headers, signal })
          : await fetch(`${url}/api/v1/search`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify({ query: q }),
              signal,
            });
      await response.arrayBuffer();
      return response.status;
    };
    // The first search after the bulk ingest may bring the indexes up to date: timed, not load.
    const firstStarted = performance.now();
    const firstOk = await request(0, AbortSignal.timeout(120_000));
    const firstSearchMs = performance.now() - firstStarted;
    log(`  first search after seeding: ${firstSearchMs.toFixed(0)} ms`);
    const secondOk = await request(1, AbortSignal.timeout(10_000));
    if (firstOk !== 200 || secondOk !== 200)
      throw new Error(`search answered ${firstOk}/${secondOk}, not 200: check the request shape`);
    const steps: CapacityStep[] = [];
    const measure = async (rate: number, kind: CapacityStep['kind']) => {
      if (options.warmupSeconds > 0) await runOpenLoop(rate, options.warmupSeconds, request);
      const before = processSample(pid);
      const t0 = performance.now();
      const samples = await runOpenLoop(rate, options.stepSeconds, request);
      const elapsed = (performance.now() - t0) / 1000;
      const after = processSample(pid);
      const step: CapacityStep = {
        kind,
        ...stepStats(rate, options.stepSeconds, samples),
        serverCpuPercent: ((after.ticks - before.ticks) / ticksPerSecond / elapsed) * 100,
        serverRssMb: after.rssMb,
      };
      steps.push(step);
      log(
        `  ${kind} ${rate}/s: achieved ${step.achievedRate.toFixed(1)}/s p50=${step.p50.toFixed(1)} p90=${step.p90.toFixed(1)} p99=${step.p99.toFixed(1)} max=${step.max.toFixed(1)} ms errors=${step.errors} cpu=${step.serverCpuPercent.toFixed(0)}% rss=${step.serverRssMb.toFixed(0)}MB`,
      );
      return isGoodStep(step, options.p99TargetMs);
    };
    let lastGood: number | null = null;
    let firstBad: number | null = null;
    for (const rate of options.rates) {
      if (await measure(rate, 'step')) lastGood = rate;
      else {
        firstBad = rate;
        break;
      }
    }
    let capacity = lastGood;
    if (firstBad !== null) {
      const low = lastGood ?? 0;
      const resolution = Math.max(1, Math.round((firstBad - low) / 8));
      capacity = await bisectCapacity(low, firstBad, (rate) => measure(rate, 'bisect'), resolution);
      if (capacity === 0) capacity = null;
    }
    const result: CapacityResult = {
      backend: options.backend,
      startedAt,
      loadBefore,
      loadAfter: loadavg(),
      seedDocuments: options.seedDocuments,
      stepSeconds: options.stepSeconds,
      warmupSeconds: options.warmupSeconds,
      p99TargetMs: options.p99TargetMs,
      steps,
      capacity,
    };
    writeCapacityOutputs(options.outDir, result);
    return result;
  } finally {
    await server?.stop();
    await installation.dispose();
  }
}

/** The Markdown table of a run's steps. */
export function capacityTable(result: CapacityResult): string {
  const rows = [...result.steps]
    .sort((a, b) => a.offeredRate - b.offeredRate)
    .map(
      (s) =>
        `| ${s.offeredRate} | ${s.kind} | ${s.achievedRate.toFixed(1)} | ${s.p50.toFixed(1)} | ${s.p90.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.max.toFixed(1)} | ${s.errors} | ${s.serverCpuPercent.toFixed(0)} | ${s.serverRssMb.toFixed(0)} |`,
    );
  return [
    '| offered req/s | kind | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU % | server RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Writes `capacity-<backend>.json`, `.md` and `.svg` into `outDir`. */
export function writeCapacityOutputs(outDir: string, result: CapacityResult): void {
  mkdirSync(resolve(outDir), { recursive: true });
  writeFileSync(join(outDir, `capacity-${result.backend}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(outDir, `capacity-${result.backend}.md`), `${capacityTable(result)}\n`);
  const sorted = [...result.steps].sort((a, b) => a.offeredRate - b.offeredRate);
  const series = (q: 'p50' | 'p90' | 'p99' | 'max') => sorted.map((s) => ({ x: s.offeredRate, y: s[q] }));
  const svg = soakChartSvg(
    [
      {
        title: `Search capacity on ${result.backend === 'sqlite' ? 'embedded SQLite' : 'PostgreSQL'}: ${result.capacity ?? 'none'} req/s at p99 < ${result.p99TargetMs} ms`,
        xLabel: 'offered search req/s (open loop)',
        latency: [
          { label: 'p50', color: '#1f77b4', points: series('p50') },
          { label: 'p90', color: '#ff7f0e', points: series('p90') },
          { label: 'p99', color: '#2ca02c', points: series('p99') },
          { label: 'max', color: '#7f7f7f', points: series('max'), dashed: true },
        ],
        rss: {
          label: 'RSS MB',
          color: '#d62728',
          points: sorted.map((s) => ({ x: s.offeredRate, y: s.serverRssMb })),
        },
      },
    ],
    `started ${result.startedAt}; ${result.seedDocuments} SciFact abstracts; ${result.stepSeconds} s per step after ${result.warmupSeconds} s warm-up; load average before ${result.loadBefore}, after ${result.loadAfter}`,
  );
  writeFileSync(join(outDir, `capacity-${result.backend}.svg`), svg);
}
