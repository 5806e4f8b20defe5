import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres } from '../fixtures/postgres.js';
import { type PostgresCluster, startPostgresCluster } from '../fixtures/postgres-cluster.js';

// A Lore process SIGKILLed while its backend runs a statement (here: waiting on a lock, as
// CREATE INDEX CONCURRENTLY or a blocked write does during a backfill) must not leave that backend
// holding locks and a connection slot: the restarted process would queue behind it (chaos run,
// PostgreSQL, trials 42-50). The pool's connections ask the server to check the client socket.

const repoRoot = join(import.meta.dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithPostgres('a SIGKILLed client of the Lore pool', () => {
  let cluster: PostgresCluster;
  let admin: pg.Client;
  // pg_stat_activity is a snapshot per transaction: observe from outside the lock holder's.
  let observer: pg.Client;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    observer = new pg.Client({ connectionString: cluster.adminUrl });
    await observer.connect();
    await admin.query('CREATE TABLE held (id integer)');
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await observer?.end();
    await cluster?.stop();
  });

  it('has its busy backend ended by the server within seconds, releasing its locks', async () => {
    // The admin holds a lock; the child's statement waits on it (busy, not reading its socket).
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE held IN ACCESS EXCLUSIVE MODE');
    const dir = mkdtempSync(join(tmpdir(), 'lore-killed-client-'));
    const script = join(dir, 'client.ts');
    writeFileSync(
      script,
      `import { createPool } from ${JSON.stringify(join(repoRoot, 'src/adapters/store/postgres/database.ts'))};
const pool = createPool({ url: ${JSON.stringify(cluster.adminUrl)}, max: 1, applicationName: 'lore killed' });
void pool.query('INSERT INTO held VALUES (1)').catch((error) => console.error(String(error)));
setInterval(() => undefined, 1000);
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    const waiting = async () =>
      (
        await observer.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'lore killed'`,
        )
      ).rows[0]?.n ?? 0;
    for (let i = 0; i < 300 && (await waiting()) === 0; i++) await sleep(100);
    expect(await waiting(), stderr).toBe(1);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
    const killedAt = Date.now();
    // Still inside the admin's transaction: the child's backend stays blocked on the lock.
    for (let i = 0; i < 100 && (await waiting()) > 0; i++) await sleep(100);
    const goneAfterMs = Date.now() - killedAt;
    await admin.query('ROLLBACK');
    expect(await waiting(), stderr).toBe(0);
    expect(goneAfterMs).toBeLessThan(10_000);
    // Its INSERT never committed.
    expect((await admin.query('SELECT count(*)::int AS n FROM held')).rows[0].n).toBe(0);
  }, 60_000);
});
