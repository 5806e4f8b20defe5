import { describe, expect, it } from 'vitest';
import { openDatabase } from '../adapters/store/sqlite/database.js';
import { SqliteMaintenance } from '../adapters/store/sqlite/sqlite.maintenance.js';
import { SqliteQueue } from '../adapters/store/sqlite/sqlite.queue.js';
import { maintenanceTasks } from './maintenance.tasks.js';
import { Scheduler } from './scheduler.js';

describe('Scheduler', () => {
  it('runs each task in one process per period; another takes over when the holder stops', async () => {
    const clock = { now: 1_000_000 };
    const db = openDatabase(':memory:');
    const maintenance = new SqliteMaintenance(db, () => clock.now);
    const runs: string[] = [];
    const task = (who: string) => ({
      name: 'prune',
      everyMs: 60_000,
      run: async () => {
        runs.push(who);
      },
    });
    const a = new Scheduler({ maintenance, owner: 'a' }).register(task('a'));
    const b = new Scheduler({ maintenance, owner: 'b' }).register(task('b'));
    const [taskA] = [task('a')];
    expect(await a.tick(taskA)).toBe(true);
    expect(await b.tick(task('b'))).toBe(false);
    clock.now += 60_000; // a renews its own lease
    expect(await a.tick(taskA)).toBe(true);
    expect(await b.tick(task('b'))).toBe(false);
    clock.now += 95_000; // a died: its lease (1.5 periods) expired
    expect(await b.tick(task('b'))).toBe(true);
    expect(await a.tick(taskA)).toBe(false);
    await b.stop(); // releases: a takes over at once
    expect(await a.tick(taskA)).toBe(true);
    expect(runs).toEqual(['a', 'a', 'b', 'a']);
  });

  it('requeues jobs whose worker died and fails those out of attempts', async () => {
    const clock = { now: 1_000_000 };
    const db = openDatabase(':memory:');
    const queue = new SqliteQueue(db, () => clock.now);
    const maintenance = new SqliteMaintenance(db, () => clock.now);
    const retried = await queue.enqueue('ingest-file', {}, { maxAttempts: 3 });
    const exhausted = await queue.enqueue('ingest-file', {}, { maxAttempts: 1 });
    await queue.claim(['ingest-file'], 'dead', 5_000);
    await queue.claim(['ingest-file'], 'dead', 5_000);
    clock.now += 10_000;
    expect(await maintenance.requeueExpiredJobs()).toEqual({ requeued: 1, failed: 1 });
    expect((await queue.get(retried.id))?.state).toBe('queued');
    expect((await queue.get(exhausted.id))?.state).toBe('failed');

    const tasks = maintenanceTasks(maintenance, () => clock.now + 30 * 24 * 3_600_000);
    const prune = tasks.find((task) => task.name === 'prune-finished-jobs')!;
    expect(await prune.run()).toEqual({ deleted: 1 });
    expect(await queue.get(exhausted.id)).toBeUndefined();
  });

  it('release gives a running job back without counting the attempt', async () => {
    const db = openDatabase(':memory:');
    const queue = new SqliteQueue(db);
    const job = await queue.enqueue('ingest-file', {});
    await queue.claim(['ingest-file'], 'w1', 60_000);
    await queue.release(job.id, 'someone-else');
    expect((await queue.get(job.id))?.state).toBe('running');
    await queue.release(job.id, 'w1');
    expect(await queue.get(job.id)).toMatchObject({ state: 'queued', attempts: 0 });
    expect(await queue.claim(['ingest-file'], 'w2', 60_000)).toMatchObject({ id: job.id, attempts: 1 });
  });
});
