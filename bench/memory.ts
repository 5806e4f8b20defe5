import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Runs a full garbage collection (twice, so weak references and finalisers settle). */
export function fullGc(): void {
  collect();
  collect();
}

export interface MemorySnapshot {
  heapUsed: number;
  rss: number;
  external: number;
}

/** Memory after a full collection. */
export function memorySnapshot(): MemorySnapshot {
  fullGc();
  const usage = process.memoryUsage();
  // `external` already includes `arrayBuffers` (Node counts ArrayBuffer memory in both).
  return { heapUsed: usage.heapUsed, rss: usage.rss, external: usage.external };
}

export interface MemoryDelta {
  heapBytes: number;
  rssBytes: number;
  externalBytes: number;
}

export function memoryDelta(before: MemorySnapshot, after: MemorySnapshot): MemoryDelta {
  return {
    heapBytes: after.heapUsed - before.heapUsed,
    rssBytes: after.rss - before.rss,
    externalBytes: after.external - before.external,
  };
}

// Plain JavaScript so the thread needs no TypeScript loader. RSS is per process, so a thread sees
// the main thread's (and parse workers') memory too, and keeps sampling while the main thread is busy.
const samplerSource = `
const { workerData } = require('node:worker_threads');
const cells = new Int32Array(workerData.buffer);
setInterval(() => {
  const kib = Math.round(process.memoryUsage.rss() / 1024);
  if (kib > Atomics.load(cells, 0)) Atomics.store(cells, 0, kib);
  Atomics.add(cells, 1, 1);
}, workerData.intervalMs);
`;

/** Samples the process RSS every `intervalMs` in a worker thread and keeps the peak. */
export class PeakRssSampler {
  private readonly cells = new Int32Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;

  constructor(intervalMs = 50) {
    this.worker = new Worker(samplerSource, {
      eval: true,
      workerData: { buffer: this.cells.buffer, intervalMs },
    });
    this.worker.unref();
  }

  /** Starts a new measurement window. */
  reset(): void {
    Atomics.store(this.cells, 0, Math.round(process.memoryUsage.rss() / 1024));
    Atomics.store(this.cells, 1, 0);
  }

  /** Peak RSS in bytes since the last reset, and the number of samples taken. */
  read(): { peakBytes: number; samples: number } {
    const now = Math.round(process.memoryUsage.rss() / 1024);
    const peak = Math.max(now, Atomics.load(this.cells, 0));
    return { peakBytes: peak * 1024, samples: Atomics.load(this.cells, 1) };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** What bench/isolated.ts measures for one engine in a fresh process. */
export interface IsolatedResult {
  buildMs: number;
  heapBytes: number;
  rssBytes: number;
  externalBytes: number;
  baselineRssBytes: number;
  servePeakRssBytes: number;
  servedQueries: number;
}

/** Runs bench/isolated.ts for one engine and corpus in a fresh Node process. */
export function measureIsolated(engine: string, spec: string, budgetMs: number): Promise<IsolatedResult> {
  const script = fileURLToPath(new URL('./isolated.ts', import.meta.url));
  const root = fileURLToPath(new URL('..', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, engine, spec, String(budgetMs)],
      { cwd: root, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`isolated ${engine} on ${spec} failed: ${stderr || error.message}`));
          return;
        }
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as IsolatedResult);
      },
    );
  });
}
