import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type {
  ConnectorDefinition,
  GitConnectorSettings,
} from '../../src/core/connectors/connector.records.js';
import { localPrincipal } from '../../src/core/identity/identity.records.js';
import { describeRequiring } from '../fixtures/datasets.js';
import { createTestApp } from '../fixtures/test-app.js';

const hasGit = (() => {
  try {
    execFileSync('git', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

describeRequiring(
  'Git connector sync (a real repository built with the git CLI)',
  hasGit ? undefined : 'git not installed',
  () => {
    let work: string;
    let repo: string;
    let app: TestApp;
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', repo, ...args], {
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Test',
          GIT_AUTHOR_EMAIL: 'test@example.com',
          GIT_COMMITTER_NAME: 'Test',
          GIT_COMMITTER_EMAIL: 'test@example.com',
        },
      }).toString();
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text);
    };
    const commit = (message: string) => {
      git('add', '-A');
      git('commit', '-q', '-m', message);
    };
    const define = async (name: string, settings: GitConnectorSettings): Promise<ConnectorDefinition> => {
      const collection = await app.store.ensureCollection(name);
      const definition: ConnectorDefinition = {
        id: randomUUID(),
        name,
        kind: 'git',
        git: settings,
        collectionId: collection.id,
        intervalMinutes: 0,
        createdAt: new Date().toISOString(),
      };
      await app.connectors.create(definition);
      return definition;
    };
    const fileNames = async (definition: ConnectorDefinition) =>
      (await app.store.listDocuments({ collectionId: definition.collectionId }))
        .map((document) => document.source.split(':').at(-1))
        .sort();

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'lore-git-connector-'));
      repo = join(work, 'repo');
      mkdirSync(repo);
      git('init', '-q', '-b', 'main');
      write('README.md', '# Handbook\n\nThe handbook explains how the apricot orchard is run.');
      write('docs/guide.md', '# Guide\n\nBananas ripen in the dark storage room.');
      write('docs/old-name.txt', 'Cherries are picked in June.');
      write('docs/broken.pdf', '%PDF-1.7 this is not really a PDF');
      commit('first');
      app = await createTestApp();
    });
    afterAll(async () => {
      await app?.dispose();
      rmSync(work, { recursive: true, force: true });
    });

    it('adds, updates, renames and deletes like lore sync; a bad file fails alone', async () => {
      const definition = await define('handbook', { url: repo, branch: 'main' });
      const first = await app.connectorSync.run(definition, { trigger: 'test' });
      expect(first).toMatchObject({ state: 'done', seen: 4, added: 3, failed: 1, removed: 0 });
      expect(first?.failures).toEqual([
        expect.objectContaining({ key: 'docs/broken.pdf', message: expect.stringContaining('broken.pdf') }),
      ]);
      expect(await fileNames(definition)).toEqual(['README.md', 'docs/guide.md', 'docs/old-name.txt']);

      write('docs/guide.md', '# Guide\n\nBlueberries ripen in the cold storage room.');
      git('mv', 'docs/old-name.txt', 'docs/new-name.txt');
      git('rm', '-q', 'README.md');
      commit('change, rename, delete');
      const second = await app.connectorSync.run(definition, { trigger: 'test' });
      expect(second).toMatchObject({ state: 'done', seen: 3, added: 1, updated: 1, removed: 2, failed: 1 });
      expect(await fileNames(definition)).toEqual(['docs/guide.md', 'docs/new-name.txt']);
      const bananas = await app.search.search({
        query: 'bananas',
        filter: { collectionIds: [definition.collectionId] },
      });
      expect(bananas.hits).toEqual([]);
      const blueberries = await app.search.search({
        query: 'blueberries',
        filter: { collectionIds: [definition.collectionId] },
      });
      expect(blueberries.hits.map((hit) => hit.document.fileName)).toEqual(['guide.md']);

      // Nothing changed: no item is read or indexed again (the broken one is retried and fails again).
      const third = await app.connectorSync.run(definition, { trigger: 'test' });
      expect(third).toMatchObject({
        state: 'done',
        seen: 3,
        added: 0,
        updated: 0,
        unchanged: 2,
        removed: 0,
        failed: 1,
      });
      const runs = await app.connectors.listRuns(definition.id, 10);
      expect(runs.map((run) => run.state)).toEqual(['done', 'done', 'done']);
      expect(runs[0]).toMatchObject({ unchanged: 2, seen: 3, finishedAt: expect.any(String) });
    });

    it('clones a URL into the data folder, fetches later commits, honours branch and sub-path', async () => {
      git('checkout', '-q', '-b', 'release');
      write('docs/release-notes.md', '# Release\n\nThe release adds grapefruit.');
      write('other/ignored.md', 'Not under the sub-path.');
      commit('release branch');
      git('checkout', '-q', 'main');
      const definition = await define('release', { url: `file://${repo}`, branch: 'release', path: 'docs' });
      const first = await app.connectorSync.run(definition, { trigger: 'test' });
      expect(first).toMatchObject({ state: 'done', added: 3, failed: 1 });
      // Sources are `git:<url>#<branch>:<sub-path>/<key>`.
      expect(await fileNames(definition)).toEqual([
        'docs/guide.md',
        'docs/new-name.txt',
        'docs/release-notes.md',
      ]);

      git('checkout', '-q', 'release');
      git('rm', '-q', 'docs/release-notes.md');
      commit('drop the notes');
      git('checkout', '-q', 'main');
      const second = await app.connectorSync.run(definition, { trigger: 'test' });
      expect(second).toMatchObject({ state: 'done', removed: 1, added: 0 });
      expect(await fileNames(definition)).toEqual(['docs/guide.md', 'docs/new-name.txt']);
    });

    it('a missing branch fails the run and removes nothing; a URL with a password is refused', async () => {
      const definition = await define('missing-branch', { url: repo, branch: 'main' });
      expect(await app.connectorSync.run(definition, { trigger: 'test' })).toMatchObject({ state: 'done' });
      const before = await fileNames(definition);
      expect(before.length).toBeGreaterThan(0);
      git('branch', '-q', '-m', 'main', 'trunk');
      try {
        const failed = await app.connectorSync.run(definition, { trigger: 'test' });
        expect(failed?.state).toBe('failed');
        expect(failed?.error).toMatch(/connector_failed: .*no branch or tag named main/);
        expect(await fileNames(definition)).toEqual(before);
      } finally {
        git('branch', '-q', '-m', 'trunk', 'main');
      }
      const secret = await define('secret', { url: 'https://user:hunter2@example.com/repo.git' });
      const refused = await app.connectorSync.run(secret, { trigger: 'test' });
      expect(refused?.state).toBe('failed');
      expect(refused?.error).toContain('carries a password');
      expect(refused?.error).not.toContain('hunter2');
    });

    it('a cancel stops the sync between two files: cancelled, items so far kept, nothing removed', async () => {
      git('checkout', '-q', '-b', 'many');
      for (let n = 0; n < 8; n++) write(`many/note-${n}.md`, `# Note ${n}\n\nFact number ${n} about plums.`);
      write('many/gone.md', '# Gone\n\nThis file is deleted before the cancelled run.');
      commit('many notes');
      try {
        const definition = await define('many', { url: repo, branch: 'many', path: 'many' });
        expect(await app.connectorSync.run(definition, { trigger: 'test' })).toMatchObject({
          state: 'done',
          added: 9,
        });
        for (let n = 0; n < 8; n++) write(`many/note-${n}.md`, `# Note ${n}\n\nFact number ${n}, revised.`);
        git('rm', '-q', 'many/gone.md');
        commit('revise, delete one');
        let cancelling: Promise<unknown> | undefined;
        const cancelled = await app.connectorAdmin.runNow(localPrincipal, definition.id, {
          trigger: 'test',
          wait: true,
          onProgress: (counts) => {
            if (counts.updated === 2) cancelling ??= app.connectorAdmin.cancel(localPrincipal, definition.id);
          },
        });
        await cancelling;
        expect(cancelled).toMatchObject({
          state: 'cancelled',
          removed: 0,
          error: expect.stringContaining('cancelled'),
        });
        expect(cancelled.updated).toBeGreaterThanOrEqual(2);
        expect(cancelled.updated).toBeLessThan(8);
        // The deleted file's document is still there: a cancelled run removes nothing.
        expect((await fileNames(definition)).filter((name) => name?.endsWith('gone.md'))).toHaveLength(1);
        await expect(app.connectorAdmin.cancel(localPrincipal, definition.id)).rejects.toMatchObject({
          code: 'conflict',
        });

        // The next run goes on from there: files updated before the cancel are unchanged now.
        const next = await app.connectorSync.run(definition, { trigger: 'test' });
        expect(next).toMatchObject({
          state: 'done',
          unchanged: cancelled.updated,
          updated: 8 - cancelled.updated,
          removed: 1,
        });
      } finally {
        git('checkout', '-q', 'main');
      }
    });

    it('allows one run of a connector at a time', async () => {
      const definition = await define('single', { url: repo });
      const claimed = await app.connectorSync.start(definition, 'test');
      expect(claimed).toBeDefined();
      expect(await app.connectorSync.run(definition, { trigger: 'test' })).toBeUndefined();
      await app.connectorSync.execute(definition, claimed!, { trigger: 'test' });
      expect(await app.connectorSync.run(definition, { trigger: 'test' })).toMatchObject({ state: 'done' });
    });
  },
);
