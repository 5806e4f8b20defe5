import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveLore } from '../fixtures/http-server.js';
import { createMigratedDatabase, postgresUnavailable, type TestDatabase } from '../fixtures/postgres.js';
import { createTestApp } from '../fixtures/test-app.js';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

/** REST /api/v1/connectors through the real HTTP server, then the scheduler's due-run pass. */
for (const backend of ['sqlite', 'postgres'] as const) {
  const suite = backend === 'postgres' && postgresUnavailable ? describe.skip : describe;
  suite(`connectors REST API (${backend})`, () => {
    let app: TestApp;
    let server: Awaited<ReturnType<typeof serveLore>>;
    let database: TestDatabase | undefined;
    let repo: string;
    let owner = '';
    let stranger = '';
    let collectionId = '';
    const call = (key: string, method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    beforeAll(async () => {
      repo = mkdtempSync(join(tmpdir(), 'lore-connector-repo-'));
      execFileSync('git', ['init', '-q', '-b', 'main', repo]);
      writeFileSync(join(repo, 'guide.md'), '# Guide\n\nThe deploy window is Tuesday at 10:00.\n');
      writeFileSync(join(repo, 'faq.md'), '# FAQ\n\nRefunds take five working days.\n');
      execFileSync('git', ['-C', repo, 'add', '-A'], { env });
      execFileSync('git', ['-C', repo, 'commit', '-q', '-m', 'docs'], { env });
      database = backend === 'postgres' ? await createMigratedDatabase() : undefined;
      app = await createTestApp({ userManagement: 'on', ...(database ? { databaseUrl: database.url } : {}) });
      server = await serveLore(app);
      const alice = await app.identity.createUser({
        email: 'alice@example.com',
        name: 'alice',
        role: 'member',
      });
      const bob = await app.identity.createUser({ email: 'bob@example.com', name: 'bob', role: 'member' });
      const collection = await app.store.ensureCollection('handbook');
      await app.accessStore.setCollectionOwner(collection.id, alice.id);
      collectionId = collection.id;
      owner = (await server.kit.apiKeys.create(alice, { name: 't', scopes: ['read', 'write'] })).secret;
      stranger = (await server.kit.apiKeys.create(bob, { name: 't', scopes: ['read', 'write'] })).secret;
    });
    afterAll(async () => {
      await server?.close();
      await app?.dispose();
      await database?.drop();
      rmSync(repo, { recursive: true, force: true });
    });

    it('creates, runs now, shows run progress, refuses strangers, runs when due, deletes', async () => {
      const definition = { name: 'docs', collectionId, kind: 'git', git: { url: repo }, intervalMinutes: 5 };
      expect((await call(stranger, 'POST', '/api/v1/connectors', definition)).status).toBeOneOf([403, 404]);
      const bad = await call(owner, 'POST', '/api/v1/connectors', {
        ...definition,
        git: { url: 'https://user:secret@example.com/repo.git' },
      });
      expect(bad.status).toBe(400);
      const created = await call(owner, 'POST', '/api/v1/connectors', definition);
      expect(created.status).toBe(201);
      const connector = (await created.json()) as { id: string; runs: unknown[] };
      expect(connector.runs).toEqual([]);
      expect((await call(owner, 'POST', '/api/v1/connectors', definition)).status).toBe(409);

      const started = await call(owner, 'POST', `/api/v1/connectors/${connector.id}/runs`);
      expect(started.status).toBe(202);
      expect(((await started.json()) as { state: string }).state).toBe('running');
      let runs: { state: string; added: number; trigger: string }[] = [];
      for (let i = 0; i < 200; i++) {
        const got = await call(owner, 'GET', `/api/v1/connectors/${connector.id}`);
        runs = ((await got.json()) as { runs: typeof runs }).runs;
        if (runs[0]?.state !== 'running') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(runs[0]).toMatchObject({ state: 'done', added: 2, trigger: 'api' });
      expect((await app.store.listDocuments({ collectionId })).length).toBe(2);

      expect((await call(stranger, 'GET', `/api/v1/connectors/${connector.id}`)).status).toBe(404);
      const listed = (await (await call(owner, 'GET', '/api/v1/connectors')).json()) as {
        connectors: { name: string }[];
      };
      expect(listed.connectors.map((entry) => entry.name)).toEqual(['docs']);
      const hidden = (await (await call(stranger, 'GET', '/api/v1/connectors')).json()) as {
        connectors: unknown[];
      };
      expect(hidden.connectors).toEqual([]);

      // The scheduler's task: not due right after a run; due once the interval has passed.
      expect(await app.connectorAdmin.runDue()).toEqual({ ran: 0, failed: 0 });
      writeFileSync(join(repo, 'faq.md'), '# FAQ\n\nRefunds take ten working days.\n');
      execFileSync('git', ['-C', repo, 'commit', '-q', '-am', 'change'], { env });
      const later = new Date(Date.now() + 6 * 60_000);
      const scheduled = await app.connectorAdmin.runDue(later);
      expect(scheduled).toEqual({ ran: 1, failed: 0 });
      const after = (await (await call(owner, 'GET', `/api/v1/connectors/${connector.id}`)).json()) as {
        runs: { trigger: string; updated: number }[];
      };
      expect(after.runs[0]).toMatchObject({ trigger: 'schedule', updated: 1 });

      expect((await call(stranger, 'DELETE', `/api/v1/connectors/${connector.id}`)).status).toBe(404);
      expect((await call(owner, 'DELETE', `/api/v1/connectors/${connector.id}?purge=true`)).status).toBe(204);
      expect((await call(owner, 'GET', `/api/v1/connectors/${connector.id}`)).status).toBe(404);
      expect((await app.store.listDocuments({ collectionId })).length).toBe(0);
    });
  });
}
