import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createApp } from '../src/app/create-app.js';
import { loadConfig } from '../src/config/load-config.js';
import type { BenchCorpus } from './corpus.js';

/** One endpoint under load. */
export interface HttpEndpointResult {
  endpoint: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface HttpBenchResult {
  corpus: string;
  documents: number;
  chunks: number;
  ingestSeconds: number;
  server: string;
  endpoints: HttpEndpointResult[];
}

export interface HttpBenchOptions {
  connections: number;
  durationSeconds: number;
  log: (message: string) => void;
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Load test of `lore serve` on loopback: the corpus is ingested into a fresh data folder, a server
 * (its own process, `LORE_ROLES=api`, no user management, 127.0.0.1) is started on it, and
 * autocannon drives `GET /api/v1/search` and `GET /api/v1/ask` (extractive: no model configured)
 * with `connections` concurrent connections, each request a different query of the corpus.
 */
export async function runHttpBench(corpus: BenchCorpus, options: HttpBenchOptions): Promise<HttpBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-http-bench-'));
  try {
    const app = await createApp(loadConfig({}, { dataDir, ocr: 'off' }), {
      embedder: null,
      languageModel: null,
    });
    const started = performance.now();
    const encoder = new TextEncoder();
    let next = 0;
    const ingestOne = async () => {
      while (next < corpus.docs.length) {
        const doc = corpus.docs[next++]!;
        await app.ingest.ingest({
          bytes: encoder.encode(doc.text.length > 0 ? doc.text : doc.title),
          fileName: `${doc.id}.txt`,
          source: doc.id,
          collection: 'bench',
          title: doc.title,
        });
      }
    };
    await Promise.all([ingestOne(), ingestOne()]);
    const ingestSeconds = (performance.now() - started) / 1000;
    const chunks = await app.store.countChunks();
    await app.close();
    options.log(
      `  http: ${corpus.docs.length} documents, ${chunks} chunks ingested in ${ingestSeconds.toFixed(0)} s`,
    );

    const server = await startServer(dataDir);
    try {
      const queries = corpus.queries.map((query) => encodeURIComponent(query.text));
      const endpoints: HttpEndpointResult[] = [];
      for (const [endpoint, path] of [
        ['GET /api/v1/search', '/api/v1/search?limit=10&q='],
        ['GET /api/v1/ask (extractive)', '/api/v1/ask?q='],
      ] as const) {
        // Warm-up: loads the index and JIT-compiles the hot paths.
        await drive(server.url, path, queries, Math.min(options.connections, 10), 2);
        options.log(`  http: ${endpoint}, ${options.connections} connections, ${options.durationSeconds} s`);
        const result = await drive(server.url, path, queries, options.connections, options.durationSeconds);
        endpoints.push({ endpoint, ...result });
      }
      return {
        corpus: corpus.description,
        documents: corpus.docs.length,
        chunks,
        ingestSeconds,
        server: 'lore serve (LORE_ROLES=api, 127.0.0.1, one Node process)',
        endpoints,
      };
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function drive(
  url: string,
  path: string,
  queries: string[],
  connections: number,
  durationSeconds: number,
): Promise<Omit<HttpEndpointResult, 'endpoint'>> {
  let index = 0;
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: path + queries[index++ % queries.length] }),
      },
    ],
  });
  return {
    connections,
    durationSeconds,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

async function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LORE_DATA_DIR: dataDir,
      LORE_HOST: '127.0.0.1',
      LORE_PORT: '0',
      LORE_ROLES: 'api',
      LORE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /Lore is serving (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.once('exit', (code) => reject(new Error(`lore serve exited with ${code}:\n${output}`)));
  });
  return { child, url };
}

/** Markdown table of the results. */
export function httpMarkdown(result: HttpBenchResult): string[] {
  return [
    `## HTTP load (${result.corpus}; ${result.chunks} chunks)`,
    '',
    '| endpoint | connections | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors | non-2xx |',
    '|---|---|---|---|---|---|---|---|---|',
    ...result.endpoints.map(
      (e) =>
        `| ${e.endpoint} | ${e.connections} | ${e.requestsPerSecond.toFixed(0)} | ${e.latencyMs.p50} | ${e.latencyMs.p90} | ${e.latencyMs.p99} | ${e.latencyMs.max} | ${e.errors + e.timeouts} | ${e.non2xx} |`,
    ),
    '',
  ];
}
