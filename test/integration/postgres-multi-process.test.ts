import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCli } from '../fixtures/cli.js';
import { freePort } from '../fixtures/free-port.js';
import { createMigratedDatabase, describeWithPostgres, type TestDatabase } from '../fixtures/postgres.js';

// Scaled out: 2 API processes and 3 workers on one PostgreSQL database and one shared blob folder
// (standing in for EFS). 500 uploads are ingested while a worker is killed with SIGKILL twice.

const documents = 500;
const work = mkdtempSync(join(tmpdir(), 'lore-multi-'));

interface LoreProcess {
  name: string;
  port: number;
  roles: string;
  child: ChildProcess;
  log: string[];
}

describeWithPostgres('PostgreSQL backend with many processes', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  const processes: LoreProcess[] = [];

  const start = async (name: string, roles: string, port?: number): Promise<LoreProcess> => {
    const listen = port ?? (await freePort());
    const child = startCli(['serve'], {
      LORE_DATABASE_URL: database.url,
      LORE_DB_POOL_SIZE: '4',
      LORE_BLOB_URL: pathToFileURL(join(work, 'shared-blobs')).toString(),
      LORE_DATA_DIR: join(work, name),
      LORE_ROLES: roles,
      LORE_PORT: String(listen),
      LORE_HOST: '127.0.0.1',
      LORE_USER_MANAGEMENT: 'off',
      LORE_MAX_DOCUMENTS_PER_UPLOAD: '50',
      LORE_LOG_LEVEL: 'warn',
      LORE_PARSE_CONCURRENCY: '1',
      LORE_SHUTDOWN_TIMEOUT_MS: '2000',
      // A job held by a killed worker is taken over after 5 s instead of the default 60 s.
      LORE_JOB_LEASE_MS: '5000',
    });
    const entry: LoreProcess = { name, port: listen, roles, child, log: [] };
    const keep = (data: Buffer) => {
      entry.log.push(data.toString());
      if (entry.log.length > 50) entry.log.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${entry.log.join('')}`);
      const ok = await fetch(`http://127.0.0.1:${listen}/healthz`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${name} did not become healthy: ${entry.log.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    processes.push(entry);
    return entry;
  };

  const stop = (entry: LoreProcess, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (entry.child.exitCode !== null || entry.child.signalCode !== null) return resolve();
      entry.child.once('close', () => resolve());
      entry.child.kill(signal);
    });

  beforeAll(async () => {
    database = await createMigratedDatabase();
    db = new pg.Pool({ connectionString: database.url, max: 2 });
  });

  afterAll(async () => {
    await Promise.all(processes.map((entry) => stop(entry, 'SIGKILL')));
    await db?.end();
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('ingests every upload exactly once while a worker is killed twice, and both APIs answer alike', async () => {
    const apis = [await start('api-1', 'api'), await start('api-2', 'api')];
    const workers = [
      await start('worker-1', 'worker'),
      await start('worker-2', 'worker'),
      await start('worker-3', 'worker'),
    ];

    // Upload in batches of 50, alternating between the two API processes.
    const jobIds: string[] = [];
    for (let batch = 0; batch < documents / 50; batch++) {
      const form = new FormData();
      for (let i = batch * 50; i < (batch + 1) * 50; i++) {
        const text = `# Note ${i}\n\nMarker zq${i}x appears only here. Shared words: harbour lantern quarterly ${i % 7 === 0 ? 'sevenfold' : 'ordinary'}.\n`;
        form.append('files', new File([text], `note-${i}.md`));
      }
      form.append('collection', 'multi');
      const api = apis[batch % 2]!;
      const response = await fetch(`http://127.0.0.1:${api.port}/api/v1/documents`, {
        method: 'POST',
        body: form,
      });
      expect(response.status, await response.clone().text()).toBe(202);
      const body = (await response.json()) as { files: { fileName: string; jobId?: string }[] };
      for (const file of body.files) {
        expect(file.jobId, file.fileName).toBeDefined();
        jobIds.push(file.jobId!);
      }
    }
    expect(new Set(jobIds).size).toBe(documents);

    const finished = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM jobs WHERE id = ANY($1) AND state IN ('done', 'failed', 'cancelled')`,
          [jobIds],
        )
      ).rows[0]!.n;
    const waitFor = async (count: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while ((await finished()) < count) {
        if (Date.now() > deadline)
          throw new Error(`only ${await finished()} of ${count} jobs finished in time`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };

    // Kill worker 1 mid-run, restart it, kill it again, restart it.
    let killed = 0;
    for (const threshold of [100, 250]) {
      await waitFor(threshold, 240_000);
      const victim = workers[0]!;
      await stop(victim, 'SIGKILL');
      killed++;
      workers[0] = await start(`worker-1-restart-${killed}`, 'worker', victim.port);
    }
    // A job held by a killed worker is resumed once its 5 s lease expires.
    await waitFor(documents, 400_000);

    // Every job done, found through either API process.
    const states = await db.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM jobs WHERE id = ANY($1) GROUP BY state',
      [jobIds],
    );
    expect(Object.fromEntries(states.rows.map((row) => [row.state, row.n]))).toEqual({ done: documents });
    for (const [index, jobId] of jobIds.filter((_, i) => i % 25 === 0).entries()) {
      const api = apis[index % 2]!;
      const job = (await (await fetch(`http://127.0.0.1:${api.port}/api/v1/jobs/${jobId}`)).json()) as {
        state: string;
      };
      expect(job.state).toBe('done');
    }

    // Every document indexed exactly once: one row per source, chunks as declared, no duplicates.
    const integrity = await db.query<{
      documents: number;
      sources: number;
      chunks: number;
      declared: number;
      duplicates: number;
    }>(
      `SELECT (SELECT count(*)::int FROM documents) AS documents,
              (SELECT count(DISTINCT source)::int FROM documents) AS sources,
              (SELECT count(*)::int FROM chunks) AS chunks,
              (SELECT sum(chunk_count)::int FROM documents) AS declared,
              (SELECT count(*)::int FROM (SELECT document_id, ordinal FROM chunks GROUP BY 1, 2 HAVING count(*) > 1) d)
                AS duplicates`,
    );
    expect(integrity.rows[0]).toMatchObject({ documents, sources: documents, duplicates: 0 });
    expect(integrity.rows[0]!.chunks).toBe(integrity.rows[0]!.declared);

    // The BM25 statistics written by concurrent workers equal a recount from the postings.
    const drift = await db.query<{ terms: number; fields: number }>(
      `SELECT
         (SELECT count(*)::int FROM (
            SELECT term, field, count(*) AS df FROM postings GROUP BY term, field
          ) p FULL JOIN (SELECT * FROM term_stats WHERE df > 0) t USING (term, field)
          WHERE p.df IS DISTINCT FROM t.df) AS terms,
         (SELECT count(*)::int FROM field_stats f WHERE f.doc_count <> (
            SELECT count(DISTINCT chunk_id) FROM postings p WHERE p.field = f.field)) AS fields`,
    );
    expect(drift.rows[0]).toEqual({ terms: 0, fields: 0 });

    // Searches from either API process agree, and each marker finds its one document.
    for (const i of [0, 7, 99, 123, 250, 377, 499]) {
      const answers = await Promise.all(
        apis.map(async (api) => {
          const response = await fetch(`http://127.0.0.1:${api.port}/api/v1/search?q=zq${i}x`);
          expect(response.status).toBe(200);
          const body = (await response.json()) as { hits: { document: { fileName: string } }[] };
          return body.hits.map((hit) => hit.document.fileName);
        }),
      );
      expect(answers[0]).toEqual([`note-${i}.md`]);
      expect(answers[1]).toEqual(answers[0]);
    }
    const shared = await Promise.all(
      apis.map(async (api) => {
        const response = await fetch(`http://127.0.0.1:${api.port}/api/v1/search?q=sevenfold%20lantern`);
        const body = (await response.json()) as { hits: { document: { fileName: string }; score: number }[] };
        return body.hits.map((hit) => [hit.document.fileName, hit.score.toFixed(6)]);
      }),
    );
    expect(shared[0]!.length).toBeGreaterThan(0);
    expect(shared[1]).toEqual(shared[0]);
    expect(killed).toBe(2);
  });
});
