import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStorage, type Storage } from '../../src/app/storage.js';
import { loadConfig } from '../../src/config/load-config.js';
import { runAsBackground } from '../../src/core/background-work.js';
import { LoreError } from '../../src/core/errors.js';
import { createMigratedDatabase, describeWithPostgres, type TestDatabase } from '../fixtures/postgres.js';

// A process with the worker role keeps background work (job runners, backfills, the scheduler,
// evaluation runs: everything started inside runAsBackground) on a capped pool of its own, so a
// background load that holds every connection it may have does not leave requests without one.

describeWithPostgres('the background connection pool on PostgreSQL', () => {
  let database: TestDatabase;
  let storage: Storage;
  let admin: pg.Client;
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-bgpool-'));

  beforeAll(async () => {
    database = await createMigratedDatabase();
    const config = loadConfig(
      {},
      {
        dataDir,
        databaseUrl: database.url,
        roles: 'api,worker',
        dbPoolSize: 2,
        dbBackgroundPoolSize: 1,
        dbConnectTimeoutMs: 1_000,
        pgLexical: 'sql',
      },
    );
    storage = await openStorage(config);
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
    await storage?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A row lock on a lease row: lease calls wait on it, holding their connection. */
  const holdLeaseRow = async () => {
    await storage.maintenance.acquireLease('blocker', 'holder', 600_000);
    await admin.query('BEGIN');
    const held = await admin.query("SELECT 1 FROM settings WHERE key LIKE '%blocker' FOR UPDATE");
    expect(held.rowCount).toBe(1);
  };

  it('serves requests while background work holds all of its connections, and says which pool is full', async () => {
    // Background calls that hang on a lock: the first takes the one background connection (a row lock: a table lock would also hold up new connections' start-up), the
    // others wait for it.
    // The background pool's one connection is opened first, so that on a loaded machine the calls
    // below wait on the lock, not on a connection start-up slower than the 1 s connect timeout.
    await runAsBackground(() => storage.maintenance.ping());
    await holdLeaseRow();
    const background = runAsBackground(() =>
      Array.from({ length: 6 }, () =>
        storage.maintenance.acquireLease('blocker', 'background', 60_000).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      ),
    );
    let requests: PromiseSettledResult<unknown>[];
    let background_connections: number;
    try {
      // Wait until the background connection is stuck on the lock.
      for (let waited = 0; ; waited += 50) {
        const stuck = await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'lore-background' AND wait_event_type = 'Lock'`,
        );
        if (stuck.rows[0]!.n > 0) break;
        if (waited > 10_000) {
          const first = await Promise.race([background[0], Promise.resolve('still waiting')]);
          throw new Error(
            `the background call never reached the lock (first call: ${String(
              typeof first === 'object' && !first.ok ? first.error : 'still waiting',
            )})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Requests (outside runAsBackground) meanwhile: every one gets a connection and answers.
      requests = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          i % 2 === 0 ? storage.maintenance.ping() : storage.queue.counts(),
        ),
      );
      background_connections = (
        await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'lore-background'`,
        )
      ).rows[0]!.n;
      // The waiting background calls give up after LORE_DB_CONNECT_TIMEOUT_MS with a clear reason.
      const early = await Promise.all(background.slice(1));
      for (const outcome of early) {
        expect(outcome.ok).toBe(false);
        const error = (outcome as { error: unknown }).error;
        expect(LoreError.is(error) && error.code).toBe('storage_unavailable');
        expect((error as Error).message).toMatch(
          /no connection of the background pool became free within 1000 ms: all 1 were in use or still connecting \(LORE_DB_BACKGROUND_POOL_SIZE, LORE_DB_CONNECT_TIMEOUT_MS\)/,
        );
      }
    } finally {
      await admin.query('ROLLBACK');
    }
    expect(requests.map((outcome) => outcome.status)).toEqual(Array(12).fill('fulfilled'));
    expect(background_connections).toBe(1);
    // The call that held the connection finishes once the lock is gone.
    expect(await background[0]).toEqual({ ok: true, value: false });
  });

  it('names the request pool when requests wait too long for a connection', async () => {
    await holdLeaseRow();
    const calls = Array.from({ length: 3 }, () =>
      storage.maintenance.acquireLease('blocker', 'request', 60_000).then(
        () => undefined,
        (error: unknown) => error as Error,
      ),
    );
    // Two calls hold the request pool's connections on the lock; the third gives up waiting for one.
    const first = await Promise.race(calls);
    await admin.query('ROLLBACK');
    const outcomes = await Promise.all(calls);
    expect(first).toBeInstanceOf(Error);
    expect(outcomes.filter((outcome) => outcome !== undefined)).toHaveLength(1);
    expect(String(first?.message)).toMatch(
      /no connection of the request pool became free within 1000 ms: all 2 were in use or still connecting \(LORE_DB_POOL_SIZE, LORE_DB_CONNECT_TIMEOUT_MS\)/,
    );
  });
});
