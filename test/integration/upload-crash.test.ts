import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { readBeirDataset } from '../../src/adapters/dataset/beir.reader.js';
import { datasetsDir, describeWithDatasets } from '../fixtures/datasets.js';
import { startServe, uploadFiles, waitForJob } from '../fixtures/serve.js';

const work = mkdtempSync(join(tmpdir(), 'lore-upload-crash-'));

/** Chunk counts per source plus integrity facts, read from a data folder. */
function snapshot(dataDir: string) {
  const db = new Database(join(dataDir, 'lore.db'), { readonly: true });
  try {
    return {
      perSource: db
        .prepare(
          `SELECT d.source AS source, count(c.id) AS chunks FROM documents d
           LEFT JOIN chunks c ON c.document_id = d.id GROUP BY d.id ORDER BY d.source`,
        )
        .all(),
      duplicates: (
        db
          .prepare(
            'SELECT count(*) AS n FROM (SELECT document_id, ordinal FROM chunks GROUP BY 1, 2 HAVING count(*) > 1)',
          )
          .get() as { n: number }
      ).n,
      jobs: db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state ORDER BY state').all(),
    };
  } finally {
    db.close();
  }
}

describeWithDatasets('a server killed mid-job', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('kill -9 while jobs run, restart: every job completes, no lost or duplicated chunks', async () => {
    const dataset = readBeirDataset(join(datasetsDir, 'scifact'));
    // Large files so that parsing and indexing take a while: 20 × ~40 documents each.
    const files = Array.from({ length: 20 }, (_, file) => ({
      name: `batch-${String(file).padStart(2, '0')}.md`,
      bytes: new TextEncoder().encode(
        dataset.corpus
          .slice(file * 40, file * 40 + 40)
          .map((document) => `# ${document.title}\n\n${document.text}\n`)
          .join('\n'),
      ),
    }));

    const crashDir = join(work, 'crash');
    // A 5 s lease: the job the killed server held is taken over 5 s after the restart, not 60 s.
    const first = await startServe({ LORE_DATA_DIR: crashDir, LORE_JOB_LEASE_MS: '5000' });
    const jobIds = await uploadFiles(first.url, files);
    expect(jobIds).toHaveLength(20);
    // Wait until some work is done but not all of it, then kill without any chance to clean up.
    for (;;) {
      const states = await Promise.all(
        jobIds.map(
          async (id) =>
            ((await (await fetch(`${first.url}/api/v1/jobs/${id}`)).json()) as { state: string }).state,
        ),
      );
      if (states.includes('done')) {
        expect(states.filter((state) => state === 'done').length).toBeLessThan(20);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await first.stop('SIGKILL');

    // The restarted server runs three ingestion jobs at once (LORE_WORKER_CONCURRENCY).
    const second = await startServe({
      LORE_DATA_DIR: crashDir,
      LORE_WORKER_CONCURRENCY: '3',
      LORE_JOB_LEASE_MS: '5000',
    });
    for (const id of jobIds) expect(await waitForJob(second.url, id, 120_000)).toBe('done');
    await second.stop();

    const cleanDir = join(work, 'clean');
    const clean = await startServe({ LORE_DATA_DIR: cleanDir });
    for (const id of await uploadFiles(clean.url, files))
      expect(await waitForJob(clean.url, id, 120_000)).toBe('done');
    await clean.stop();

    const crashed = snapshot(crashDir);
    const reference = snapshot(cleanDir);
    expect(crashed.perSource).toHaveLength(20);
    expect(crashed.perSource).toEqual(reference.perSource);
    expect(crashed.duplicates).toBe(0);
    expect(crashed.jobs).toEqual([{ state: 'done', n: 20 }]);
  });
});
