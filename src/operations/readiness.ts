import type { LoreApp } from '../app/create-app.js';
import type { LexicalLoadState } from '../ports/retriever.port.js';
import type { ProviderCheck, ProviderHealth } from './provider-health.js';

export interface ReadinessCheck {
  status: 'ok' | 'degraded' | 'fail';
  reason?: string;
  ms?: number;
  [detail: string]: unknown;
}

export interface ReadinessReport {
  status: 'ready' | 'not-ready';
  checks: Record<string, ReadinessCheck>;
}

/** A well-formed key no real original has, looked up by the blob check. */
const probeKey = '0'.repeat(64);

/**
 * Whether this process can serve: the database answers, the queue can be read, the blob store can be
 * looked up (a HEAD request on S3, a stat on disk), and the configured providers are built (their
 * last call's outcome is reported, never a new paid call). Each check has `timeoutMs`; a check that fails names its reason.
 */
export async function checkReadiness(
  app: Pick<LoreApp, 'config' | 'maintenance' | 'queue' | 'blobs' | 'languageModel' | 'embedder'> &
    Partial<Pick<LoreApp, 'lexical'>>,
  health: ProviderHealth,
  options: { timeoutMs?: number; draining?: boolean } = {},
): Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const [database, queue, blobs] = await Promise.all([
    timed('database', timeoutMs, () => app.maintenance.ping()),
    timed('queue', timeoutMs, async () => ({ jobs: await app.queue.counts() })),
    // A lookup only: writing a probe file would add an original that backups then carry.
    timed('blobs', timeoutMs, () => app.blobs.has(probeKey)),
  ]);
  const checks: Record<string, ReadinessCheck> = {
    database,
    queue,
    blobs,
    llm: providerCheck(
      health.check(
        'llm',
        Boolean(app.config.llmBaseUrl) || app.languageModel !== undefined,
        app.languageModel,
      ),
    ),
    embedder: providerCheck(
      health.check('embedder', app.config.embedder !== 'none' || app.embedder !== undefined, app.embedder),
    ),
  };
  const lexical = app.lexical?.loadState?.();
  if (lexical) checks.lexical_index = lexicalCheck(lexical);
  if (options.draining) checks.process = { status: 'fail', reason: 'shutting down' };
  const ready = Object.values(checks).every((check) => check.status !== 'fail');
  return { status: ready ? 'ready' : 'not-ready', checks };
}

/** The in-memory BM25 index of an API process on PostgreSQL: not ready until its first load is done. */
function lexicalCheck(state: LexicalLoadState): ReadinessCheck {
  if (state.loaded) return { status: 'ok', chunks: state.chunks };
  return {
    status: 'fail',
    reason: state.error
      ? `the BM25 index could not load into memory (${state.error}); retrying, searches rank in SQL meanwhile`
      : `the BM25 index is loading into memory (${state.chunks} chunks so far); searches rank in SQL meanwhile`,
    chunks: state.chunks,
  };
}

function providerCheck(check: ProviderCheck): ReadinessCheck {
  return { ...check };
}

async function timed(name: string, timeoutMs: number, run: () => Promise<unknown>): Promise<ReadinessCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const details = await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${name} did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    return {
      status: 'ok',
      ms: Math.round(performance.now() - started),
      ...(typeof details === 'object' ? details : {}),
    };
  } catch (error) {
    return { status: 'fail', reason: (error as Error).message, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}
