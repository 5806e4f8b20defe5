import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../src/operations/integrity/check-integrity.js';
import { type ChaosInstallation, openInstallation } from '../chaos/chaos-installation.js';
import { killAllLoreProcesses, LoreProcess } from '../fixtures/lore-process.js';
import { Traffic } from '../fixtures/traffic.js';

// The embedded analogue of a database outage: another process holds the SQLite write lock for
// seconds (an operator's open `BEGIN IMMEDIATE`, a backup tool). Reads go on (WAL); writes answer
// 503 storage_unavailable after LORE_SQLITE_BUSY_TIMEOUT_MS instead of a 500; once the lock is
// released, the queue resumes and nothing accepted is lost.

const lockMs = 6_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the embedded database locked by another process for seconds', () => {
  let installation: ChaosInstallation;
  let server: LoreProcess;
  const report: string[] = [];

  beforeAll(async () => {
    installation = await openInstallation({ backend: 'sqlite' });
    server = await LoreProcess.start({
      name: 'serve',
      env: installation.env('serve', 'api,worker', 'default', { LORE_SQLITE_BUSY_TIMEOUT_MS: '1000' }),
    });
  });

  afterAll(async () => {
    if (server && !server.alive) report.push(`lore serve died:\n${server.output().slice(-4000)}`);
    console.log(report.join('\n'));
    await killAllLoreProcesses();
    await installation?.dispose();
  });

  it('keeps reading, refuses writes with 503 within the busy timeout, and resumes after', async () => {
    const traffic = new Traffic({ urls: () => [server.url], clients: 3, pauseMs: 60 });
    // Searches on their own client, so the ones waiting on locked writes do not starve them.
    const readers = new Traffic({
      urls: () => [server.url],
      clients: 1,
      pauseMs: 50,
      mix: { search: 1, ask: 0, upload: 0 },
    });
    traffic.start();
    readers.start();
    await sleep(2_500);
    const holder = new Database(join(installation.work, 'data', 'lore.db'));
    holder.pragma('busy_timeout = 5000');
    holder.exec('BEGIN IMMEDIATE');
    const locked = Date.now();
    await sleep(lockMs);
    holder.exec('ROLLBACK');
    holder.close();
    const released = Date.now();
    await sleep(3_000);
    await traffic.stop();
    await readers.stop();
    expect(server.alive).toBe(true);

    const during = traffic.between(locked + 1_500, released - 1_500);
    const searches = readers.between(locked + 1_500, released - 1_500);
    const uploads = during.filter((sample) => sample.kind === 'upload');
    expect(searches.length).toBeGreaterThan(10);
    expect(searches.filter((sample) => sample.status !== 200)).toEqual([]);
    expect(uploads.length).toBeGreaterThan(0);
    expect(
      uploads.filter(
        (sample) =>
          sample.status !== 503 ||
          sample.code !== 'storage_unavailable' ||
          !/locked/.test(sample.message ?? ''),
      ),
    ).toEqual([]);
    expect(Math.max(...uploads.map((sample) => sample.ms))).toBeLessThan(3_000);
    expect(traffic.samples.filter((sample) => sample.status === 0 || sample.status === 500)).toEqual([]);
    const after = traffic.between(released + 1_000, Date.now());
    expect(
      after.filter((sample) => sample.kind === 'upload' && sample.status === 202).length,
    ).toBeGreaterThan(0);
    report.push(
      `locked ${lockMs} ms: ${searches.length} searches all 200 (slowest ${Math.max(...searches.map((s) => s.ms))} ms), ` +
        `${uploads.length} uploads 503 storage_unavailable (slowest ${Math.max(...uploads.map((s) => s.ms))} ms)`,
    );

    const accepted = traffic.samples.flatMap((sample) => sample.jobIds ?? []);
    const deadline = Date.now() + 60_000;
    let jobs = await installation.observer.jobs();
    while (jobs.some((job) => job.state === 'queued' || job.state === 'running') && Date.now() < deadline) {
      await sleep(250);
      jobs = await installation.observer.jobs();
    }
    const states = new Map(jobs.map((job) => [job.id, job.state]));
    expect(accepted.filter((id) => states.get(id) !== 'done')).toEqual([]);
    const reference = await installation.reference();
    try {
      const integrity = await checkIntegrity(reference);
      expect(integrity.checks.filter((check) => check.severity === 'error' && check.problems > 0)).toEqual(
        [],
      );
    } finally {
      await reference.close();
    }
    report.push(`${accepted.length} uploads accepted, all indexed after the lock was released`);
  });
});
