import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { LoreProcess } from '../fixtures/lore-process.js';
import { ChaosModel, verifyTrial } from './chaos-checks.js';
import { ChaosCorpus, type ChaosFile, type DatasetFile, datasetCandidates, Random } from './chaos-corpus.js';
import {
  type ChaosBackend,
  type ChaosInstallation,
  chaosProfiles,
  openInstallation,
} from './chaos-installation.js';
import { type ObservedJob, settled, stageOf } from './chaos-observer.js';

// SIGKILL chaos: real `lore serve` processes (api, worker, api+worker) ingest batches of uploads
// while one or two of them are killed at a chosen moment (uploads in flight, parsing, embedding, the
// index transaction, an embedding-generation backfill, searches syncing the in-memory index), then
// restarted. Once the queue is idle, verifyTrial checks that nothing was lost, duplicated or left
// half-written. `npm run chaos` runs it on demand; test/integration/chaos-sigkill.test.ts a few trials.

export interface ChaosRunOptions {
  backend: ChaosBackend;
  trials: number;
  seed: number;
  /** A PostgreSQL database to use (otherwise a throwaway cluster is started). */
  databaseUrl?: string;
  /** `../shared/datasets`, to mix real documents into the batches. */
  datasetsDir?: string;
  /** Files uploaded per trial (before updates and broken files). */
  filesPerTrial?: [number, number];
  niceness?: number;
  /** Longest wait for the queue to drain after a restart. */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

export type KillTarget =
  | 'upload'
  | 'parse'
  | 'embed'
  | 'index-transaction'
  | 'embedding-backfill'
  | 'search-sync';

export interface TrialResult {
  trial: number;
  topology: 'combined' | 'split';
  victims: string[];
  target: KillTarget;
  /** Stages seen in the database (and client side) at the moment of the kill. */
  stagesAtKill: string[];
  killAfterMs: number;
  files: number;
  accepted: number;
  resubmitted: number;
  /** 503s with Retry-After the resubmitting client waited out (a busy or restarting database). */
  retriedAfter503: number;
  documents: number;
  chunks: number;
  /** From SIGKILL to the victims listening again. */
  restartMs: number;
  /** From the victims listening again to an idle queue (includes the 3 s lease of a killed job). */
  recoveryMs: number;
  orphanBlobs: number;
  /** Jobs of the trial that ran more than once (the kill interrupted them). */
  interrupted: number;
  searchesCompared: number;
  problems: string[];
}

export interface ChaosSummary {
  kind: 'sigkill-chaos';
  backend: ChaosBackend;
  seed: number;
  trials: number;
  passed: number;
  stagesHit: Record<string, number>;
  machine: { cpus: number; cpu: string; memoryGiB: number; node: string };
  startedAt: string;
  finishedAt: string;
  results: TrialResult[];
}

type Topology = TrialResult['topology'];
const roleSets: Record<Topology, Record<string, string>> = {
  combined: { all: 'api,worker' },
  split: { api: 'api', worker: 'worker' },
};

/** Runs the trials and returns what each found; never throws for a failed trial (see `problems`). */
export async function runSigkillChaos(options: ChaosRunOptions): Promise<ChaosSummary> {
  const log = options.log ?? (() => undefined);
  const random = new Random(options.seed);
  const startedAt = new Date().toISOString();
  const installation = await openInstallation({
    backend: options.backend,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  const run = new ChaosRun(installation, random, options, log);
  const results: TrialResult[] = [];
  try {
    await run.prepare();
    for (let trial = 1; trial <= options.trials; trial++) {
      const result = await run.trial(trial);
      results.push(result);
      log(
        `trial ${trial}/${options.trials} ${result.topology} kill ${result.victims.join('+')} at ${result.target} ` +
          `[${result.stagesAtKill.join(',')}] after ${result.killAfterMs} ms (${result.interrupted} jobs interrupted): ${result.documents} documents, ` +
          `recovered in ${result.recoveryMs} ms, ${result.problems.length ? `PROBLEMS: ${result.problems.join(' | ')}` : 'ok'}`,
      );
    }
  } finally {
    await run.stopAll();
    await installation.dispose();
  }
  const stagesHit: Record<string, number> = {};
  for (const result of results)
    for (const stage of result.stagesAtKill) stagesHit[stage] = (stagesHit[stage] ?? 0) + 1;
  return {
    kind: 'sigkill-chaos',
    backend: options.backend,
    seed: options.seed,
    trials: results.length,
    passed: results.filter((result) => result.problems.length === 0).length,
    stagesHit,
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
    },
    startedAt,
    finishedAt: new Date().toISOString(),
    results,
  };
}

class ChaosRun {
  private readonly processes = new Map<string, LoreProcess>();
  private topology: Topology | undefined;
  private profile: string = chaosProfiles[0];
  private readonly model = new ChaosModel();
  private corpus: ChaosCorpus;
  private readonly present: string[] = [];

  constructor(
    private readonly installation: ChaosInstallation,
    private readonly random: Random,
    private readonly options: ChaosRunOptions,
    private readonly log: (line: string) => void,
  ) {
    this.corpus = new ChaosCorpus(random);
  }

  /** Learns what a clean ingestion makes of each real document, so their outcome can be asserted. */
  async prepare(): Promise<void> {
    if (!this.options.datasetsDir) return;
    const candidates = datasetCandidates(this.options.datasetsDir, 8);
    const scratch = mkdtempSync(join(tmpdir(), 'lore-chaos-screen-'));
    const app = await createApp(loadConfig({ LORE_OCR: 'off' }, { dataDir: scratch }), {
      embedder: null,
      languageModel: null,
    });
    const screened: DatasetFile[] = [];
    try {
      for (const candidate of candidates) {
        const outcome = await app.ingest.ingest({
          bytes: candidate.bytes,
          fileName: candidate.path.split('/').pop()!,
          source: candidate.path,
          collection: 'screen',
        });
        screened.push({ ...candidate, expect: outcome.status === 'failed' ? 'failed' : 'indexed' });
      }
    } finally {
      await app.close();
      rmSync(scratch, { recursive: true, force: true });
    }
    this.corpus = new ChaosCorpus(this.random, screened);
    this.log(`real documents: ${screened.map((file) => `${file.path} (${file.expect})`).join(', ')}`);
  }

  private start(name: string, roles: string): Promise<LoreProcess> {
    return LoreProcess.start({
      name,
      env: this.installation.env(name, roles, this.profile),
      ...(this.options.niceness ? { niceness: this.options.niceness } : {}),
    }).then((process) => {
      this.processes.set(name, process);
      return process;
    });
  }

  /** Stops every process gracefully (SIGTERM); a non-zero exit is a problem of the trial. */
  async stopAll(problems: string[] = []): Promise<void> {
    for (const [name, process] of this.processes) {
      const exit = await process.stop();
      if (exit.code !== 0) problems.push(`${name} exited ${exit.signal ?? exit.code} on SIGTERM`);
    }
    this.processes.clear();
    this.topology = undefined;
  }

  private async ensure(topology: Topology, problems: string[]): Promise<void> {
    if (this.topology === topology) return;
    await this.stopAll(problems);
    for (const [name, roles] of Object.entries(roleSets[topology])) await this.start(name, roles);
    this.topology = topology;
  }

  private api(): LoreProcess {
    return this.processes.get('all') ?? this.processes.get('api')!;
  }

  async trial(trial: number): Promise<TrialResult> {
    const { random } = this;
    const problems: string[] = [];
    const earlier = new Set((await this.installation.observer.jobs().catch(() => [])).map((job) => job.id));
    const topology: Topology = random.chance(0.35) ? 'combined' : 'split';
    await this.ensure(topology, problems);
    // Now and then switch the embedding profile: every process restarts with it and a backfill starts.
    const switching = trial > 1 && random.chance(0.2);
    if (switching) {
      this.profile = this.profile === chaosProfiles[0] ? chaosProfiles[1] : chaosProfiles[0];
      await this.stopAll(problems);
      await this.ensure(topology, problems);
    }
    const files = this.batch();
    const requests = this.split(files);
    // Sometimes a file is uploaded again, changed, in a later request of the same trial: the newer
    // version must win even when the older one's job is interrupted and runs again after it.
    if (requests.length > 1 && random.chance(0.5)) {
      const first = requests[0]!.find((file) => file.marker);
      if (first) requests.at(-1)!.push(this.corpus.note(first.name));
    }
    const deletion =
      !switching && this.present.length > 3 && random.chance(0.3) ? this.takeDeletion(files) : undefined;

    const workerName = topology === 'combined' ? 'all' : 'worker';
    const victims =
      topology === 'combined' ? ['all'] : random.pick([['worker'], ['worker'], ['api'], ['api', 'worker']]);
    const targets: KillTarget[] = victims.includes(workerName)
      ? switching
        ? ['embedding-backfill']
        : [
            'parse',
            'embed',
            'embed',
            'index-transaction',
            ...(victims.includes('api') || topology === 'combined'
              ? (['upload', 'search-sync'] as const)
              : []),
          ]
      : ['upload', 'search-sync', 'parse', 'embed'];
    const target = random.pick(targets);

    const searches = new SearchLoad(
      () => [...this.processes.values()].filter((p) => p.alive && p.options.env.LORE_ROLES?.includes('api')),
      random,
    );
    searches.start();
    const started = Date.now();
    const apiAtStart = this.api();
    const sends = requests.map((batch, index) =>
      sleep(index * random.int(0, 120)).then(() => upload(apiAtStart.url, batch)),
    );
    const deleting = deletion ? deleteDocument(apiAtStart.url, deletion.source) : Promise.resolve(undefined);
    const stagesAtKill = await this.waitFor(target, sends, searches, victims);
    const killAfterMs = Date.now() - started;
    const killedAt = Date.now();
    await Promise.all(victims.map((name) => this.processes.get(name)!.kill('SIGKILL')));
    const outcomes = await Promise.all(sends);
    const deleted = await deleting;
    for (const name of victims) {
      const old = this.processes.get(name)!;
      this.processes.set(name, await old.restart({ LORE_EMBEDDING_PROFILE: this.profile }));
    }
    const restartedAt = Date.now();

    // A client whose upload got no answer sends it again.
    let accepted = 0;
    let resubmitted = 0;
    let retriedAfter503 = 0;
    const cutOff = outcomes.some((outcome) => !outcome.ok) || deleted === 'maybe';
    for (const [index, outcome] of outcomes.entries()) {
      let result = outcome;
      if (!result.ok) {
        resubmitted++;
        const resubmission = await uploadHonouringRetryAfter(this.api().url, requests[index]!);
        retriedAfter503 += resubmission.retries;
        result = resubmission;
        if (!result.ok) problems.push(`upload resubmitted after restart failed: ${result.error}`);
      }
      for (const [fileIndex, jobId] of result.jobIds.entries()) {
        if (!jobId) continue;
        accepted++;
        this.model.accept(jobId, requests[index]![fileIndex]!);
      }
    }
    if (deletion) this.model.deleted.set(deletion.source, deleted ?? 'maybe');

    const jobs = await this.settle(problems);
    const recoveryMs = Date.now() - restartedAt;
    searches.stop();
    await searches.done();
    const crashed = [...this.processes.values()].filter((process) => process.exitedByItself);
    for (const process of crashed) {
      const exit = process.child.signalCode ?? process.child.exitCode;
      problems.push(
        `${process.name} exited by itself (${exit}); its output ends:\n${process.output().slice(-4000)}`,
      );
    }
    if (switching) await sleep(5_500); // API processes follow a generation switch within 5 s.
    let verdict: Awaited<ReturnType<typeof verifyTrial>> | undefined;
    // A crashed process is the trial's finding; the next trial starts every process again.
    if (crashed.length > 0) await this.stopAll();
    const reference = await this.installation.reference();
    try {
      if (crashed.length === 0)
        verdict = await verifyTrial({
          reference,
          jobs,
          model: this.model,
          apiUrls: [...this.processes.values()]
            .filter((p) => p.options.env.LORE_ROLES?.includes('api'))
            .map((p) => p.url),
          random,
          orphansExpected: cutOff || victims.includes(workerName),
        });
      problems.push(...(verdict?.problems ?? []));
      this.present.splice(
        0,
        this.present.length,
        ...(await reference.store.listDocuments()).map((d) => d.fileName),
      );
    } finally {
      await reference.close();
    }
    return {
      trial,
      topology,
      victims,
      target,
      stagesAtKill,
      killAfterMs,
      files: files.length,
      accepted,
      resubmitted,
      retriedAfter503,
      documents: verdict?.integrity.documents ?? 0,
      chunks: verdict?.integrity.chunks ?? 0,
      restartMs: restartedAt - killedAt,
      recoveryMs,
      orphanBlobs: verdict?.orphanBlobs ?? 0,
      interrupted: jobs.filter((job) => !earlier.has(job.id) && job.attempts > 1).length,
      searchesCompared: verdict?.searchesCompared ?? 0,
      problems,
    };
  }

  /** New notes, updates of stored ones, sometimes a broken file and a real document. */
  private batch(): ChaosFile[] {
    const [min, max] = this.options.filesPerTrial ?? [3, 8];
    const files = Array.from({ length: this.random.int(min, max) }, () => this.corpus.note());
    const notes = this.present.filter((name) => /^note-\d+\.md$/.test(name));
    for (let i = 0; i < Math.min(notes.length, this.random.int(0, 2)); i++) {
      const name = this.random.pick(notes);
      if (!files.some((file) => file.name === name)) files.push(this.corpus.note(name));
    }
    if (this.random.chance(0.2)) files.push(this.corpus.note(undefined, this.random.int(80, 160)));
    if (this.random.chance(0.3)) files.push(this.corpus.broken());
    if (this.random.chance(0.5)) {
      const real = this.corpus.dataset();
      if (real) files.push(real);
    }
    return files;
  }

  /** One to three upload requests. */
  private split(files: ChaosFile[]): ChaosFile[][] {
    const parts = Math.min(files.length, this.random.int(1, 3));
    const requests: ChaosFile[][] = Array.from({ length: parts }, () => []);
    for (const [index, file] of files.entries()) requests[index % parts]!.push(file);
    return requests;
  }

  private takeDeletion(files: ChaosFile[]): { source: string } | undefined {
    const name = this.random.pick(
      this.present.filter((candidate) => !files.some((file) => file.name === candidate)),
    );
    return name ? { source: `upload/${name}` } : undefined;
  }

  /** Waits until the target stage is under way (or 4 s pass), then returns the stages seen. */
  private async waitFor(
    target: KillTarget,
    sends: Promise<UploadOutcome>[],
    searches: SearchLoad,
    victims: string[],
  ): Promise<string[]> {
    const deadline = Date.now() + 4_000;
    let pending = sends.length;
    for (const send of sends) void send.finally(() => pending--);
    const victimUrls = victims.map((name) => this.processes.get(name)!.url);
    for (;;) {
      const jobs = await this.installation.observer.jobs().catch(() => [] as ObservedJob[]);
      const stages = new Set(jobs.filter((job) => job.state === 'running').map(stageOf));
      const apiVictim = victims.some((name) => name === 'api' || name === 'all');
      if (apiVictim && pending > 0) stages.add('upload');
      if (apiVictim && victimUrls.some((url) => searches.inFlight(url))) stages.add('search-sync');
      const hit = target === 'upload' ? stages.has('upload') : stages.has(target);
      if (hit || Date.now() > deadline) {
        if (hit && target !== 'upload') await sleep(this.random.int(0, 15));
        return [...stages].sort();
      }
      await sleep(target === 'upload' ? this.random.int(0, 20) : 5);
    }
  }

  /** Waits until no job is queued or running and no generation is being built. */
  private async settle(problems: string[]): Promise<ObservedJob[]> {
    const deadline = Date.now() + (this.options.settleTimeoutMs ?? 120_000);
    for (;;) {
      const jobs = await this.installation.observer.jobs();
      const building = await this.installation.observer.setting('embedding.generations');
      const idle = settled(jobs) && !(building && JSON.parse(building).building);
      if (idle) return jobs;
      if (Date.now() > deadline) {
        problems.push(`queue not idle after ${this.options.settleTimeoutMs ?? 120_000} ms`);
        return jobs;
      }
      await sleep(200);
    }
  }
}

interface UploadOutcome {
  ok: boolean;
  jobIds: (string | undefined)[];
  error?: string;
  /** Seconds of a 503's Retry-After: the server asked to be tried again. */
  retryAfter?: number;
}

/** Replies asking for a retry that a resubmitting client honours before it gives up. */
const maxRetriesAfter503 = 5;

/**
 * An upload as a well-behaved client sends it: a 503 with Retry-After (the database is busy or
 * restarting) is tried again after the given delay, a few times; anything else is final.
 */
async function uploadHonouringRetryAfter(
  url: string,
  files: ChaosFile[],
): Promise<UploadOutcome & { retries: number }> {
  for (let retries = 0; ; retries++) {
    const outcome = await upload(url, files);
    if (outcome.ok || outcome.retryAfter === undefined || retries === maxRetriesAfter503) {
      return { ...outcome, retries };
    }
    await new Promise((resolve) => setTimeout(resolve, outcome.retryAfter! * 1000));
  }
}

async function upload(url: string, files: ChaosFile[]): Promise<UploadOutcome> {
  const form = new FormData();
  for (const file of files) form.append('files', new File([Buffer.from(file.bytes)], file.name));
  try {
    const response = await fetch(`${url}/api/v1/documents`, { method: 'POST', body: form });
    const text = await response.text();
    if (response.status !== 202) {
      const retryAfter = response.status === 503 ? response.headers.get('Retry-After') : null;
      return {
        ok: false,
        jobIds: [],
        error: `HTTP ${response.status} ${text}`,
        ...(retryAfter === null ? {} : { retryAfter: Number(retryAfter) }),
      };
    }
    const body = JSON.parse(text) as { files: { jobId?: string }[] };
    return { ok: true, jobIds: body.files.map((file) => file.jobId) };
  } catch (error) {
    return { ok: false, jobIds: [], error: (error as Error).message };
  }
}

/** Deletes a document by source; 'deleted' on 204, 'maybe' when the request died. */
async function deleteDocument(url: string, source: string): Promise<'deleted' | 'maybe' | undefined> {
  try {
    const list = (await (await fetch(`${url}/api/v1/documents?limit=1000`)).json()) as {
      documents: { id: string; source: string }[];
    };
    const document = list.documents.find((entry) => entry.source === source);
    if (!document) return undefined;
    const response = await fetch(`${url}/api/v1/documents/${document.id}`, { method: 'DELETE' });
    return response.status === 204 ? 'deleted' : 'maybe';
  } catch {
    return 'maybe';
  }
}

/** Searches fired at the live API processes while a trial runs, so index syncs overlap the kills. */
class SearchLoad {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly apis: () => LoreProcess[],
    private readonly random: Random,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const apis = this.apis();
        if (apis.length > 0) {
          const api = this.random.pick(apis);
          const query = this.random.pick(['harbour', 'tide office', 'storm cargo', 'audit report', 'zq']);
          this.pending.set(api.url, (this.pending.get(api.url) ?? 0) + 1);
          void fetch(`${api.url}/api/v1/search?q=${encodeURIComponent(query)}&limit=5`)
            .then((response) => response.arrayBuffer())
            .catch(() => undefined)
            .finally(() => this.pending.set(api.url, (this.pending.get(api.url) ?? 1) - 1));
        }
        await sleep(15);
      }
    })();
  }

  inFlight(url: string): boolean {
    return (this.pending.get(url) ?? 0) > 0;
  }

  stop(): void {
    this.running = false;
  }

  async done(): Promise<void> {
    await this.loop;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
