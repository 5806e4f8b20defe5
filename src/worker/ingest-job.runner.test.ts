import { describe, expect, it } from 'vitest';
import { openDatabase } from '../adapters/store/sqlite/database.js';
import { SqliteQueue } from '../adapters/store/sqlite/sqlite.queue.js';
import type { IngestService } from '../core/ingest/ingest.service.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import { IngestJobRunner, ingestJobKind } from './ingest-job.runner.js';

const blobs = { get: async () => new Uint8Array([1]) } as unknown as BlobStore;

describe('IngestJobRunner.stop', () => {
  it('releases a job that does not finish within the bound, without counting the attempt', async () => {
    const queue = new SqliteQueue(openDatabase(':memory:'));
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const ingest = {
      ingest: () => {
        started();
        return new Promise(() => undefined); // never finishes
      },
    } as unknown as IngestService;
    const job = await queue.enqueue(ingestJobKind, {
      blobKey: 'k',
      fileName: 'a.txt',
      source: 'a',
      collection: 'c',
      tags: [],
    });
    const runner = new IngestJobRunner(queue, blobs, ingest, { leaseMs: 60_000, idleMs: 10 });
    runner.start();
    await running;
    const began = Date.now();
    expect(await runner.stop(200)).toBe('released');
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(await queue.get(job.id)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('lets a short job finish', async () => {
    const queue = new SqliteQueue(openDatabase(':memory:'));
    const ingest = {
      ingest: async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { status: 'added', fileName: 'a.txt', chunks: 1 };
      },
    } as unknown as IngestService;
    const job = await queue.enqueue(ingestJobKind, {
      blobKey: 'k',
      fileName: 'a.txt',
      source: 'a',
      collection: 'c',
      tags: [],
    });
    const runner = new IngestJobRunner(queue, blobs, ingest, { leaseMs: 60_000, idleMs: 10 });
    runner.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await runner.stop(5_000)).toBe('finished');
    expect((await queue.get(job.id))?.state).toBe('done');
  });
});
