import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkIntegrity } from '../../src/operations/integrity/check-integrity.js';
import { type ChaosInstallation, openInstallation } from '../chaos/chaos-installation.js';
import { killAllLoreProcesses, LoreProcess } from '../fixtures/lore-process.js';
import { describeWithPostgres } from '../fixtures/postgres.js';
import { type PostgresCluster, startPostgresCluster } from '../fixtures/postgres-cluster.js';
import { Traffic, type TrafficSample } from '../fixtures/traffic.js';

// PostgreSQL stopped under load (pg_ctl stop -m fast, then -m immediate) and started again while an
// API and a worker process serve searches, questions and uploads: requests fail fast with 503
// storage_unavailable, /readyz names the database, and once it is back Lore recovers by itself and
// every upload accepted with 202 is indexed.

const outageMs = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithPostgres('PostgreSQL stopped and restarted under load', () => {
  let cluster: PostgresCluster;
  let installation: ChaosInstallation;
  let api: LoreProcess;
  let worker: LoreProcess;
  const report: string[] = [];

  beforeAll(async () => {
    // Durable commits: `-m immediate` is a crash, and the fixture's fast settings (fsync and
    // synchronous_commit off) would lose the last acknowledged commits by design.
    cluster = await startPostgresCluster({ unsafeFast: false });
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE lore_outage');
    await admin.end();
    installation = await openInstallation({
      backend: 'postgres',
      databaseUrl: cluster.urlFor('lore_outage'),
    });
    api = await LoreProcess.start({ name: 'api', env: installation.env('api', 'api', 'default') });
    worker = await LoreProcess.start({
      name: 'worker',
      env: installation.env('worker', 'worker', 'default'),
    });
  });

  afterAll(async () => {
    for (const process of [api, worker]) {
      if (process && !process.alive) report.push(`${process.name} died:\n${process.output().slice(-4000)}`);
    }
    console.log(report.join('\n'));
    await killAllLoreProcesses();
    await installation?.dispose();
    await cluster?.stop();
  });

  it('fails fast with 503 while it is down, recovers without a restart, loses no job', async () => {
    const traffic = new Traffic({ urls: () => [api.url], clients: 4, pauseMs: 40 });
    traffic.start();
    await sleep(2_500);
    const outages: { mode: string; down: number; up: number; recovered: number; readyz: unknown }[] = [];
    for (const mode of ['fast', 'immediate'] as const) {
      const down = Date.now();
      await cluster.stopServer(mode);
      const stopped = Date.now();
      await sleep(1_000);
      const readyz = await fetch(`${api.url}/readyz`);
      const readyBody = (await readyz.json()) as {
        checks: Record<string, { status: string; reason?: string }>;
      };
      expect(readyz.status).toBe(503);
      expect(readyBody.checks.database?.status).toBe('fail');
      expect(readyBody.checks.database?.reason).toMatch(/database at postgres:\/\/.* is unavailable/);
      const workerReady = await fetch(`${worker.url}/readyz`);
      expect(workerReady.status).toBe(503);
      await sleep(outageMs - 1_000);
      const up = Date.now();
      await cluster.startServer();
      const accepting = Date.now();
      // Recovered: the first search that succeeds after the server accepts connections again.
      let recovered = 0;
      while (!recovered) {
        const response = await fetch(`${api.url}/api/v1/search?q=harbour`);
        if (response.status === 200) recovered = Date.now();
        else await sleep(50);
      }
      expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
      outages.push({
        mode,
        down: stopped,
        up,
        recovered: recovered - accepting,
        readyz: readyBody.checks.database,
      });
      report.push(
        `pg_ctl stop -m ${mode}: stopped in ${stopped - down} ms, down ${up - stopped} ms, start took ${accepting - up} ms; first search 200 ${recovered - accepting} ms after PostgreSQL accepted connections`,
      );
      await sleep(2_500);
    }
    await traffic.stop();
    expect(api.alive && worker.alive).toBe(true);

    // While the database was down: every request answered within 2 s, with 503 storage_unavailable
    // and a Retry-After that tells the client when to try again.
    const during = outages.flatMap((outage) => traffic.between(outage.down + 200, outage.up));
    expect(during.length).toBeGreaterThan(20);
    const wrong = during.filter(
      (sample) =>
        sample.status !== 503 ||
        sample.code !== 'storage_unavailable' ||
        sample.ms > 2_000 ||
        !(sample.retryAfter! > 0),
    );
    expect(wrong.map(show)).toEqual([]);
    expect(
      during.every((sample) => /database at postgres:\/\/\S+ is unavailable/.test(sample.message ?? '')),
    ).toBe(true);
    // At no time a 500, a broken connection or a hang.
    const broken = traffic.samples.filter((sample) => sample.status === 0 || sample.status === 500);
    expect(broken.map(show)).toEqual([]);
    const slowest = Math.max(...during.map((sample) => sample.ms));
    report.push(
      `${traffic.samples.length} requests, ${during.length} while down (slowest ${slowest} ms), ` +
        `recovery ${outages.map((outage) => `${outage.mode} ${outage.recovered} ms`).join(', ')}`,
    );

    // Every upload accepted with 202 is indexed: the queue resumed without a restart.
    const accepted = traffic.samples.flatMap((sample) => sample.jobIds ?? []);
    expect(accepted.length).toBeGreaterThan(5);
    const deadline = Date.now() + 90_000;
    let jobs = await installation.observer.jobs();
    while (jobs.some((job) => job.state === 'queued' || job.state === 'running') && Date.now() < deadline) {
      await sleep(250);
      jobs = await installation.observer.jobs();
    }
    const states = new Map(jobs.map((job) => [job.id, job]));
    expect(accepted.filter((id) => states.get(id)?.state !== 'done').map((id) => states.get(id))).toEqual([]);
    report.push(`${accepted.length} uploads accepted, all indexed`);

    const reference = await installation.reference();
    try {
      const integrity = await checkIntegrity(reference);
      expect(integrity.checks.filter((check) => check.severity === 'error' && check.problems > 0)).toEqual(
        [],
      );
    } finally {
      await reference.close();
    }
  });
});

function show(sample: TrafficSample): string {
  return `${sample.kind} ${sample.status} ${sample.code ?? ''} ${sample.ms} ms ${sample.message ?? ''}`.slice(
    0,
    300,
  );
}
