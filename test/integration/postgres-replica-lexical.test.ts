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

// Two API processes on one PostgreSQL database, each keeping the BM25 index in memory
// (LORE_PG_LEXICAL=memory, the default), and one worker: an upload through one API is found
// through the other once it catches up with the change log, a deletion disappears from both, and
// an API process reports not ready (named check) until its index is loaded.

const work = mkdtempSync(join(tmpdir(), 'lore-replica-'));

interface LoreProcess {
  port: number;
  child: ChildProcess;
  log: string[];
}

interface Readiness {
  status: string;
  checks: Record<string, { status: string; reason?: string; chunks?: number }>;
}

describeWithPostgres('API replicas with in-memory BM25 on PostgreSQL', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  const processes: LoreProcess[] = [];

  const start = async (name: string, roles: string): Promise<LoreProcess> => {
    const port = await freePort();
    const child = startCli(['serve'], {
      LORE_DATABASE_URL: database.url,
      LORE_DB_POOL_SIZE: '4',
      LORE_BLOB_URL: pathToFileURL(join(work, 'shared-blobs')).toString(),
      LORE_DATA_DIR: join(work, name),
      LORE_ROLES: roles,
      LORE_PORT: String(port),
      LORE_HOST: '127.0.0.1',
      LORE_USER_MANAGEMENT: 'off',
      LORE_LOG_LEVEL: 'warn',
      LORE_PARSE_CONCURRENCY: '1',
      LORE_SHUTDOWN_TIMEOUT_MS: '2000',
    });
    const entry: LoreProcess = { port, child, log: [] };
    const keep = (data: Buffer) => {
      entry.log.push(data.toString());
      if (entry.log.length > 50) entry.log.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    processes.push(entry);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${entry.log.join('')}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ok) return entry;
      if (Date.now() > deadline) throw new Error(`${name} did not become healthy: ${entry.log.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const readiness = async (api: LoreProcess) => {
    const response = await fetch(`http://127.0.0.1:${api.port}/readyz`);
    return { code: response.status, body: (await response.json()) as Readiness };
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const search = async (api: LoreProcess, q: string) => {
    const response = await fetch(`http://127.0.0.1:${api.port}/api/v1/search?q=${encodeURIComponent(q)}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { hits: { document: { id: string; fileName: string } }[] };
    return body.hits.map((hit) => hit.document);
  };

  beforeAll(async () => {
    database = await createMigratedDatabase();
    db = new pg.Pool({ connectionString: database.url, max: 2 });
  });

  afterAll(async () => {
    for (const entry of processes) entry.child.kill('SIGKILL');
    await db?.end();
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('finds through one API what was uploaded through the other, and forgets what was deleted', async () => {
    // While the chunks table is locked, the first API process cannot load its index: not ready.
    const lock = await db.connect();
    let first: LoreProcess;
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE chunks IN ACCESS EXCLUSIVE MODE');
      first = await start('api-1', 'api');
      const loading = await readiness(first);
      expect(loading.code).toBe(503);
      expect(loading.body.checks.lexical_index?.status).toBe('fail');
      expect(loading.body.checks.lexical_index?.reason).toMatch(/BM25 index is loading into memory/);
      expect(loading.body.checks.database?.status).toBe('ok');
    } finally {
      await lock.query('ROLLBACK');
      lock.release();
    }
    const apis = [first, await start('api-2', 'api')];
    await start('worker', 'worker');
    for (const api of apis) {
      const ready = await until('readiness', async () => {
        const report = await readiness(api);
        return report.code === 200 ? report.body : undefined;
      });
      expect(ready.checks.lexical_index).toMatchObject({ status: 'ok', chunks: 0 });
    }

    const upload = async (api: LoreProcess, name: string, text: string) => {
      const form = new FormData();
      form.append('files', new File([text], name));
      form.append('collection', 'replicas');
      const response = await fetch(`http://127.0.0.1:${api.port}/api/v1/documents`, {
        method: 'POST',
        body: form,
      });
      expect(response.status, await response.clone().text()).toBe(202);
    };
    await upload(apis[0]!, 'first.md', '# First\n\nThe marker qwertyalpha lives in the first note.\n');
    const found = await until('the upload through api-1 to be found through api-2', async () => {
      const hits = await search(apis[1]!, 'qwertyalpha');
      return hits.length > 0 ? hits : undefined;
    });
    expect(found.map((hit) => hit.fileName)).toEqual(['first.md']);
    expect((await search(apis[0]!, 'qwertyalpha')).map((hit) => hit.fileName)).toEqual(['first.md']);

    await upload(
      apis[1]!,
      'second.md',
      '# Second\n\nAnother marker qwertybeta, and qwertyalpha once more.\n',
    );
    await until('the second upload through api-2 to be found through api-1', async () => {
      const hits = await search(apis[0]!, 'qwertybeta');
      return hits.length > 0 ? hits : undefined;
    });

    // Delete through api-2; both APIs stop returning it.
    const removed = await fetch(`http://127.0.0.1:${apis[1]!.port}/api/v1/documents/${found[0]!.id}`, {
      method: 'DELETE',
    });
    expect(removed.status).toBeLessThan(300);
    for (const api of apis) {
      const hits = await search(api, 'qwertyalpha');
      expect(hits.map((hit) => hit.fileName)).toEqual(['second.md']);
    }
    // Both processes score alike (same statistics after the deletion).
    const scores = await Promise.all(
      apis.map(async (api) => {
        const response = await fetch(`http://127.0.0.1:${api.port}/api/v1/search?q=qwertyalpha%20qwertybeta`);
        const body = (await response.json()) as { hits: { score: number }[] };
        return body.hits.map((hit) => hit.score.toFixed(6));
      }),
    );
    expect(scores[1]).toEqual(scores[0]);
    const ready = await readiness(apis[0]!);
    expect(ready.body.checks.lexical_index?.chunks).toBe(
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks')).rows[0]!.n,
    );
  });
});
