import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { SqliteQueue } from './sqlite.queue.js';

function queueAt(clock: { now: number }) {
  return new SqliteQueue(openDatabase(':memory:'), () => clock.now);
}

describe('SqliteQueue', () => {
  it('claims each job once and completes it', async () => {
    const clock = { now: 1_000_000 };
    const queue = queueAt(clock);
    const job = await queue.enqueue('ingest', { path: 'a' });
    const claimed = await queue.claim(['ingest'], 'w1', 10_000);
    expect(claimed).toMatchObject({ id: job.id, state: 'running', attempts: 1, payload: { path: 'a' } });
    expect(await queue.claim(['ingest'], 'w2', 10_000)).toBeUndefined();
    await queue.complete(job.id, 'w1');
    expect((await queue.get(job.id))?.state).toBe('done');
    expect(await queue.counts()).toMatchObject({ done: 1, queued: 0, running: 0 });
  });

  it('gives a job whose lease expired (its worker died) to another worker', async () => {
    const clock = { now: 1_000_000 };
    const queue = queueAt(clock);
    const job = await queue.enqueue('ingest', {});
    await queue.claim(['ingest'], 'dead', 5_000);
    clock.now += 6_000;
    const reclaimed = await queue.claim(['ingest'], 'alive', 5_000);
    expect(reclaimed).toMatchObject({ id: job.id, attempts: 2 });
    // The dead worker can no longer complete it.
    await queue.complete(job.id, 'dead');
    expect((await queue.get(job.id))?.state).toBe('running');
  });

  it('retries with backoff, then fails for good', async () => {
    const clock = { now: 1_000_000 };
    const queue = queueAt(clock);
    const job = await queue.enqueue('ingest', {}, { maxAttempts: 2 });
    await queue.claim(['ingest'], 'w', 5_000);
    await queue.fail(job.id, 'w', { message: 'boom' }, true);
    expect(await queue.claim(['ingest'], 'w', 5_000)).toBeUndefined();
    clock.now += 60_000;
    await queue.claim(['ingest'], 'w', 5_000);
    await queue.fail(job.id, 'w', { message: 'boom again', code: 'file_corrupt' }, true);
    expect(await queue.get(job.id)).toMatchObject({
      state: 'failed',
      error: 'boom again',
      errorCode: 'file_corrupt',
      attempts: 2,
    });
  });

  it('deduplicates queued jobs by key and can cancel', async () => {
    const queue = queueAt({ now: 1 });
    const a = await queue.enqueue('ingest', {}, { dedupKey: 'k' });
    const b = await queue.enqueue('ingest', {}, { dedupKey: 'k' });
    expect(b.id).toBe(a.id);
    await queue.cancel(a.id);
    expect((await queue.get(a.id))?.state).toBe('cancelled');
    const c = await queue.enqueue('ingest', {}, { dedupKey: 'k' });
    expect(c.id).not.toBe(a.id);
  });
});
