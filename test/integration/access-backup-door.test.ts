import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRoutes } from '../../src/server/app.routes.js';
import { runCli } from '../fixtures/cli.js';
import { createTestApp } from '../fixtures/test-app.js';

/*
 * Backups are an operator's CLI job, not an API one: there is no HTTP door to them, `lore backup` and
 * `lore restore` read and write the data folder and database directly (so they need that access and
 * nothing else), and they refuse to run "through a server" rather than back up the wrong folder.
 */

describe('backups have no HTTP door', () => {
  const work = mkdtempSync(join(tmpdir(), 'lore-backup-door-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the API has no backup or restore operation, for anyone', async () => {
    const app = await createTestApp({ userManagement: 'off' });
    try {
      const routes = createRoutes(app);
      const document = (await (
        await routes.fetch(new Request('http://lore.test/api/v1/openapi.json'))
      ).json()) as {
        paths: Record<string, unknown>;
      };
      expect(
        Object.keys(document.paths).filter((path) => /backup|restore|snapshot|export/i.test(path)),
      ).toEqual([]);
      // Even the local administrator (user management off) finds nothing there.
      for (const path of ['/api/v1/backup', '/api/v1/backups', '/api/v1/restore', '/api/v1/admin/backup']) {
        for (const method of ['GET', 'POST']) {
          const reply = await routes.fetch(new Request(`http://lore.test${path}`, { method }));
          expect({ path, method, status: reply.status }).toEqual({ path, method, status: 404 });
        }
      }
    } finally {
      await app.dispose();
    }
  });

  it('lore backup and restore refuse --server and LORE_SERVER_URL, and write nothing', async () => {
    const archive = join(work, 'through-server.tar');
    for (const [args, env] of [
      [['--server', 'http://127.0.0.1:9', '--api-key', 'lore_x', 'backup', archive], {}],
      [['backup', archive], { LORE_SERVER_URL: 'http://127.0.0.1:9' }],
      [['--server', 'http://127.0.0.1:9', 'restore', archive], {}],
    ] as const) {
      const result = await runCli([...args], { LORE_DATA_DIR: join(work, 'data'), ...env });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/not through a server/);
      expect(existsSync(archive)).toBe(false);
    }
  });

  it('lore backup needs only the data folder: no account, no key', async () => {
    const archive = join(work, 'local.tar');
    const result = await runCli(['backup', archive], {
      LORE_DATA_DIR: join(work, 'data'),
      LORE_USER_MANAGEMENT: 'on',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(archive)).toBe(true);
  });
});
