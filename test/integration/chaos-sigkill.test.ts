import { afterAll, describe, expect, it } from 'vitest';
import { ChaosCorpus, Random, sha256 } from '../chaos/chaos-corpus.js';
import { type ChaosBackend, openInstallation } from '../chaos/chaos-installation.js';
import { settled } from '../chaos/chaos-observer.js';
import { runSigkillChaos } from '../chaos/sigkill-chaos.js';
import { datasetsDir, describeRequiring, hasDatasets } from '../fixtures/datasets.js';
import { killAllLoreProcesses, LoreProcess } from '../fixtures/lore-process.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../fixtures/postgres.js';

// The bounded part of the SIGKILL chaos suite: 5 trials per backend with real `lore serve`
// processes (see test/chaos/sigkill-chaos.ts; `npm run chaos` runs 50 or more). The seed changes
// every run (LORE_CHAOS_SEED fixes it) and is in every failure message.

const seed = Number(process.env.LORE_CHAOS_SEED ?? Date.now() % 1_000_000);
const databases: TestDatabase[] = [];

afterAll(async () => {
  await killAllLoreProcesses();
  await Promise.all(databases.map((database) => database.drop()));
});

for (const backend of ['sqlite', 'postgres'] as ChaosBackend[]) {
  describeRequiring(
    `SIGKILL chaos on ${backend}`,
    backend === 'postgres' ? postgresUnavailable : undefined,
    () => {
      it('5 trials: after every kill and restart nothing is lost, duplicated or half-written', async () => {
        const database = backend === 'postgres' ? await createTestDatabase() : undefined;
        if (database) databases.push(database);
        const summary = await runSigkillChaos({
          backend,
          trials: 5,
          seed,
          filesPerTrial: [2, 5],
          ...(database ? { databaseUrl: database.url } : {}),
          ...(hasDatasets ? { datasetsDir } : {}),
          log: (line) => console.log(`[chaos ${backend}] ${line}`),
        });
        const failures = summary.results
          .filter((result) => result.problems.length > 0)
          .map((result) => `trial ${result.trial} (seed ${seed}): ${result.problems.join(' | ')}`);
        expect(failures).toEqual([]);
        expect(summary.trials).toBe(5);
      });
    },
  );
}

describe('SIGKILL while an older upload of a file is indexed', () => {
  it('the newer upload still wins: the interrupted older job runs again before it, not after', async () => {
    const installation = await openInstallation({ backend: 'sqlite' });
    try {
      const corpus = new ChaosCorpus(new Random(3));
      const api = await LoreProcess.start({ name: 'api', env: installation.env('api', 'api', 'default') });
      let worker = await LoreProcess.start({
        name: 'worker',
        env: installation.env('worker', 'worker', 'default'),
      });
      const upload = async (file: { name: string; bytes: Uint8Array }) => {
        const form = new FormData();
        form.append('files', new File([Buffer.from(file.bytes)], file.name));
        const response = await fetch(`${api.url}/api/v1/documents`, { method: 'POST', body: form });
        expect(response.status).toBe(202);
        return ((await response.json()) as { files: { jobId: string }[] }).files[0]!.jobId;
      };
      const older = corpus.note('same.md', 120);
      const newer = corpus.note('same.md', 1);
      const olderJob = await upload(older);
      // Kill the worker while the older version is being embedded, after the newer one is queued.
      for (;;) {
        const job = (await installation.observer.jobs()).find((entry) => entry.id === olderJob);
        if (job?.progress.chunks) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await upload(newer);
      await worker.kill('SIGKILL');
      worker = await worker.restart();
      while (!settled(await installation.observer.jobs()))
        await new Promise((resolve) => setTimeout(resolve, 200));
      const jobs = await installation.observer.jobs();
      expect(jobs.map((job) => job.state)).toEqual(['done', 'done']);
      expect(jobs.find((job) => job.id === olderJob)?.attempts).toBe(2);
      const reference = await installation.reference();
      try {
        const [document] = await reference.store.listDocuments();
        expect(document?.contentHash).toBe(sha256(newer.bytes));
      } finally {
        await reference.close();
      }
      await worker.stop();
      await api.stop();
    } finally {
      await killAllLoreProcesses();
      await installation.dispose();
    }
  });
});
