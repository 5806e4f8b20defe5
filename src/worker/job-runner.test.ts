import { describe, expect, it } from 'vitest';
import { openDatabase } from '../adapters/store/sqlite/database.js';
import { SqliteQueue } from '../adapters/store/sqlite/sqlite.queue.js';
import { LoreError } from '../core/errors.js';
import type { Job } from '../ports/queue.port.js';
import { type JobContext, type JobResult, JobRunner } from './job-runner.js';

type Work = (job: Job, context: JobContext) => Promise<JobResult>;

class TestRunner extends JobRunner {
  constructor(
    queue: SqliteQueue,
    private readonly doWork: Work,
  ) {
    super(queue, ['test'], { leaseMs: 60_000, idleMs: 10 }, 'test');
  }
  protected work(job: Job, context: JobContext): Promise<JobResult> {
    return this.doWork(job, context);
  }
}

const newQueue = () => new SqliteQueue(openDatabase(':memory:'));

describe('JobRunner', () => {
  it('completes a job with its progress and the final progress merged', async () => {
    const queue = newQueue();
    const job = await queue.enqueue('test', {});
    const other = await queue.enqueue('other', {});
    const runner = new TestRunner(queue, async (_job, context) => {
      context.progress({ done: 3, total: 4 });
      return { progress: { total: 5 } };
    });
    expect(await runner.drain()).toBe(1);
    expect(await queue.get(job.id)).toMatchObject({ state: 'done', progress: { done: 3, total: 5 } });
    expect((await queue.get(other.id))?.state).toBe('queued');
  });

  it('retries a thrown error and fails a returned failure for good', async () => {
    const queue = newQueue();
    const thrown = await queue.enqueue('test', { kind: 'throw' }, { maxAttempts: 3 });
    const final = await queue.enqueue('test', { kind: 'fail' }, { maxAttempts: 3 });
    const runner = new TestRunner(queue, async (job) => {
      if ((job.payload as { kind: string }).kind === 'throw') throw new Error('disk hiccup');
      return { failed: new LoreError('unsupported_format', 'a.xyz: unknown format') };
    });
    expect(await runner.drain()).toBe(2);
    expect(await queue.get(thrown.id)).toMatchObject({ state: 'queued', attempts: 1, error: 'disk hiccup' });
    expect(await queue.get(final.id)).toMatchObject({ state: 'failed', error: 'a.xyz: unknown format' });
  });

  it('gives a job back uncounted when the database is unavailable', async () => {
    const queue = newQueue();
    const job = await queue.enqueue('test', {});
    const runner = new TestRunner(queue, async () => {
      throw new LoreError('storage_unavailable', 'database is down');
    });
    await expect(runner.runOne()).rejects.toThrow('database is down');
    expect(await queue.get(job.id)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('stop() waits for the job in hand and aborts its signal', async () => {
    const queue = newQueue();
    const job = await queue.enqueue('test', {});
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const runner = new TestRunner(queue, async (_job, context) => {
      started();
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      return {};
    });
    runner.start();
    await running;
    expect(await runner.stop(5_000)).toBe('finished');
    expect((await queue.get(job.id))?.state).toBe('done');
    expect(await new TestRunner(queue, async () => ({})).stop()).toBe('idle');
  });

  it('stop() releases a job that outlives its bound, without counting the attempt', async () => {
    const queue = newQueue();
    const job = await queue.enqueue('test', {});
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const runner = new TestRunner(queue, () => {
      started();
      return new Promise(() => undefined);
    });
    runner.start();
    await running;
    expect(await runner.stop(100)).toBe('released');
    expect(await queue.get(job.id)).toMatchObject({ state: 'queued', attempts: 0 });
  });
});
