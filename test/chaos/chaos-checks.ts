import type { LoreApp } from '../../src/app/create-app.js';
import type { SearchMode } from '../../src/core/search/search.service.js';
import { checkIntegrity, type IntegrityReport } from '../../src/operations/integrity/check-integrity.js';
import { OrphanBlobCollector } from '../../src/operations/integrity/orphan-blobs.js';
import { type ChaosFile, type Random, sha256 } from './chaos-corpus.js';
import type { ObservedJob } from './chaos-observer.js';

/** An upload answered with 202: its job must end done (file indexed) or failed with a reason. */
export interface AcceptedUpload {
  jobId: string;
  source: string;
  hash: string;
  marker?: string;
  expect: ChaosFile['expect'];
  /** Order of acceptance: the last accepted version of a source is the one that must be stored. */
  seq: number;
}

/** What the client side knows: every accepted upload and every deletion asked for. */
export class ChaosModel {
  readonly accepted: AcceptedUpload[] = [];
  /** Sources deleted (204 seen) or maybe deleted (the request died with the API). */
  readonly deleted = new Map<string, 'deleted' | 'maybe'>();
  private seq = 0;

  accept(jobId: string, file: ChaosFile): void {
    // A newer upload of a (maybe) deleted source brings it back.
    this.deleted.delete(`upload/${file.name}`);
    this.accepted.push({
      jobId,
      source: `upload/${file.name}`,
      hash: sha256(file.bytes),
      ...(file.marker ? { marker: file.marker } : {}),
      expect: file.expect,
      seq: ++this.seq,
    });
  }

  /** Sources whose newest accepted version was indexed, with that version. */
  current(jobs: Map<string, ObservedJob>): Map<string, AcceptedUpload> {
    const latest = new Map<string, AcceptedUpload>();
    for (const upload of this.accepted) {
      if (jobs.get(upload.jobId)?.state !== 'done' || upload.expect === 'failed') continue;
      const known = latest.get(upload.source);
      if (!known || known.seq < upload.seq) latest.set(upload.source, upload);
    }
    for (const [source, state] of this.deleted) if (state === 'deleted') latest.delete(source);
    return latest;
  }
}

export interface TrialVerdict {
  problems: string[];
  integrity: IntegrityReport;
  /** Originals left unreferenced by the crash (then collected). */
  orphanBlobs: number;
  searchesCompared: number;
}

/**
 * Everything that must hold once the queue is idle after a crash and restart: the integrity report
 * is clean, every accepted upload ended done or failed with a reason (and as expected), each source
 * holds exactly its newest indexed version (its marker finds it, older markers find nothing), and
 * every live API process answers searches exactly as a fresh index built from the database does.
 */
export async function verifyTrial(options: {
  reference: LoreApp;
  jobs: ObservedJob[];
  model: ChaosModel;
  apiUrls: string[];
  random: Random;
  /** Orphan originals are expected only when an upload or a deletion was cut off. */
  orphansExpected: boolean;
}): Promise<TrialVerdict> {
  const { reference, model } = options;
  const problems: string[] = [];
  const jobs = new Map(options.jobs.map((job) => [job.id, job]));
  for (const job of options.jobs) {
    if (job.state === 'queued' || job.state === 'running') problems.push(`job ${job.id} still ${job.state}`);
    if (job.state === 'failed' && !job.error) problems.push(`job ${job.id} failed without a reason`);
  }
  for (const upload of model.accepted) {
    const job = jobs.get(upload.jobId);
    if (!job) problems.push(`accepted job ${upload.jobId} (${upload.source}) is lost`);
    else if (upload.expect === 'indexed' && job.state !== 'done')
      problems.push(`${upload.source}: job ${job.id} ${job.state}: ${job.error ?? ''}`);
    else if (upload.expect === 'failed' && job.state !== 'failed')
      problems.push(`${upload.source}: broken file ended ${job.state}, expected failed`);
  }

  // Each source holds its newest indexed version, exactly once.
  const current = model.current(jobs);
  const documents = await reference.store.listDocuments();
  const bySource = new Map(documents.map((document) => [document.source, document]));
  for (const [source, upload] of current) {
    const stored = bySource.get(source);
    if (!stored) {
      // A deletion whose request died with the API may or may not have happened: both are fine.
      if (model.deleted.get(source) !== 'maybe')
        problems.push(`${source}: indexed (job ${upload.jobId}) but no document`);
    } else if (stored.contentHash !== upload.hash)
      problems.push(
        `${source}: stores ${stored.contentHash.slice(0, 12)}, newest upload is ${upload.hash.slice(0, 12)}`,
      );
  }
  const known = new Set(model.accepted.map((upload) => upload.source));
  for (const document of documents) {
    if (!known.has(document.source)) problems.push(`unexpected document ${document.source}`);
    if (model.deleted.get(document.source) === 'deleted')
      problems.push(`${document.source}: deleted but present`);
  }

  let integrity = await checkIntegrity(reference, { verifyBlobs: true });
  let orphanBlobs = integrity.checks.find((check) => check.name === 'orphan-blobs')?.problems ?? 0;
  if (orphanBlobs > 0) {
    if (!options.orphansExpected) problems.push(`${orphanBlobs} orphan originals without a cut-off upload`);
    // The scheduled prune-orphan-blobs task collects them (grace 0 here: nothing is in flight).
    const collector = new OrphanBlobCollector({
      integrity: reference.integrity,
      blobs: reference.blobs,
      graceMs: 0,
    });
    await collector.run();
    await collector.run();
    integrity = await checkIntegrity(reference, { verifyBlobs: true });
  } else orphanBlobs = 0;
  for (const check of integrity.checks) {
    if (check.problems > 0) problems.push(`${check.name}: ${check.problems} (${check.examples.join('; ')})`);
  }

  const searchesCompared = await compareSearches(options, current, problems);
  return { problems, integrity, orphanBlobs, searchesCompared };
}

/** Markers find their one document, superseded markers nothing; every API equals a fresh index. */
async function compareSearches(
  options: { reference: LoreApp; model: ChaosModel; apiUrls: string[]; random: Random },
  current: Map<string, AcceptedUpload>,
  problems: string[],
): Promise<number> {
  const { reference, random } = options;
  const live = [...current.values()].filter((upload) => upload.marker);
  const superseded = options.model.accepted.filter(
    (upload) => upload.marker && current.get(upload.source)?.marker !== upload.marker,
  );
  const markers = Array.from({ length: Math.min(4, live.length) }, () => random.pick(live));
  for (const upload of markers) {
    const hits = (await reference.search.search({ query: upload.marker!, mode: 'lexical', limit: 10 })).hits;
    const sources = new Set(hits.map((hit) => hit.document.source));
    if (hits.length === 0 || sources.size !== 1 || !sources.has(upload.source))
      problems.push(
        `marker ${upload.marker} of ${upload.source} finds ${[...sources].join(', ') || 'nothing'}`,
      );
  }
  for (const upload of superseded.slice(-3)) {
    const hits = (await reference.search.search({ query: upload.marker!, mode: 'lexical', limit: 10 })).hits;
    if (hits.length > 0) problems.push(`superseded marker ${upload.marker} of ${upload.source} still found`);
  }
  const queries = [
    ...markers.map((upload) => upload.marker!),
    'harbour lantern',
    'quarterly budget review',
    'storm',
    random.pick(['cargo manifest', 'pilot weather', 'supplier invoice']),
  ];
  let compared = 0;
  for (const query of queries) {
    for (const mode of ['lexical', 'dense', 'hybrid'] as SearchMode[]) {
      const expected = (await reference.search.search({ query, mode, limit: 10 })).hits.map(
        (hit) => `${hit.chunk.id}:${hit.score.toFixed(6)}`,
      );
      for (const url of options.apiUrls) {
        const response = await fetch(
          `${url}/api/v1/search?q=${encodeURIComponent(query)}&mode=${mode}&limit=10`,
        );
        if (response.status !== 200) {
          problems.push(`${url} search ${mode} "${query}": HTTP ${response.status} ${await response.text()}`);
          continue;
        }
        const body = (await response.json()) as { hits: { chunk: { id: number }; score: number }[] };
        const got = body.hits.map((hit) => `${hit.chunk.id}:${hit.score.toFixed(6)}`);
        compared++;
        if (got.join(' ') !== expected.join(' '))
          problems.push(
            `${url} ${mode} "${query}": [${got.slice(0, 4)}…] ≠ database [${expected.slice(0, 4)}…]`,
          );
      }
    }
  }
  return compared;
}
