import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toLoreError } from '../../../core/errors.js';
import { busyAttemptMs, retryWhenBusy } from './busy-retry.js';
import { openDatabase } from './database.js';
import { SqliteQueue } from './sqlite.queue.js';

describe('retryWhenBusy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lore-busy-'));
  const path = join(dir, 'lore.db');
  const mine = openDatabase(path, { migrate: true, busyTimeoutMs: busyAttemptMs });
  const other = openDatabase(path);
  afterAll(() => {
    mine.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for another connection’s lock without blocking the event loop, then writes', async () => {
    const queue = retryWhenBusy(new SqliteQueue(mine), 2_000);
    other.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    setTimeout(() => other.exec('COMMIT'), 300);
    const started = Date.now();
    const job = await queue.enqueue('busy', { n: 1 });
    clearInterval(ticker);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(job.state).toBe('queued');
    // The timers kept firing while the write waited: the process was not frozen.
    expect(ticks).toBeGreaterThan(10);
  });

  it('gives up after its budget with storage_unavailable', async () => {
    const queue = retryWhenBusy(new SqliteQueue(mine), 150);
    other.exec('BEGIN IMMEDIATE');
    try {
      const started = Date.now();
      const error = await queue.enqueue('busy', { n: 2 }).catch((caught: unknown) => caught);
      expect(toLoreError(error).code).toBe('storage_unavailable');
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      other.exec('ROLLBACK');
    }
  });
});
