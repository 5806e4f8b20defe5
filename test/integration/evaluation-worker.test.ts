import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createLogger } from '../../src/operations/logger.js';
import { startServerProcess } from '../../src/operations/server-process.js';
import { createRoutes } from '../../src/server/app.routes.js';
import { writeTinyBeir } from '../fixtures/access-world.js';
import { createTestApp } from '../fixtures/test-app.js';

// Evaluations are worker jobs: an API-only process only queues a run; a worker-role process on the
// same database runs it (and stops it on shutdown like the other runners).

const datasetsDir = mkdtempSync(join(tmpdir(), 'lore-eval-worker-'));
writeTinyBeir(join(datasetsDir, 'tiny-beir'));
afterAll(() => rmSync(datasetsDir, { recursive: true, force: true }));

it('with role=api an evaluation is only queued; the worker role runs it', async () => {
  const api = await createTestApp({ roles: 'api', datasetsDir });
  try {
    const form = new FormData();
    form.append('dataset', 'tiny-beir');
    const response = await createRoutes(api).request('/api/v1/evaluations', { method: 'POST', body: form });
    expect(response.status).toBe(202);
    const run = (await response.json()) as { id: string; jobId: string };
    // The API process used to run it itself a moment later; now nothing in it claims the job.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await api.queue.get(run.jobId))?.state).toBe('queued');
    expect((await api.evaluations?.get(run.id))?.state).toBe('queued');

    const worker = await createTestApp({
      roles: 'worker',
      datasetsDir,
      dataDir: api.config.dataDir,
      port: 0,
      host: '127.0.0.1',
      ...(api.config.databaseUrl ? { databaseUrl: api.config.databaseUrl } : {}),
    });
    const exits: number[] = [];
    const process = startServerProcess(worker, {
      logger: createLogger({ logLevel: 'silent' }),
      apiRoutes: () => {
        throw new Error('a worker-only process builds no API routes');
      },
      exit: (code) => exits.push(code),
    });
    await process.listening;
    try {
      const deadline = Date.now() + 60_000;
      while ((await api.queue.get(run.jobId))?.state !== 'done' && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await api.queue.get(run.jobId)).toMatchObject({ state: 'done' });
      const stored = await api.evaluations?.get(run.id);
      expect(stored?.state).toBe('done');
      expect(stored?.perQuery).toHaveLength(2);
    } finally {
      await process.shutdown('test');
    }
  } finally {
    await api.dispose();
  }
}, 90_000);
