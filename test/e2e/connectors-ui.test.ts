import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumMissing, openBrowser } from '../fixtures/browser.js';
import { type LoreServer, startLoreServer } from '../fixtures/lore-server.js';
import { htmlPages, startTestSite, type TestSite } from '../fixtures/web-site.js';

const admin = { email: 'admin@example.com', password: 'correct horse battery staple' };
const missing = chromiumMissing();

const html = (title: string, body: string, links: string[] = []) =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>${body}</p>${links
    .map((link) => `<a href="${link}">${link}</a>`)
    .join(' ')}</body></html>`;

/**
 * Connectors driven from the Documents page in Chromium against a real `lore serve` (SQLite), with
 * a local site and a local Git repository made by each case. The server may reach loopback sites
 * (LORE_WEB_ALLOW_HOSTS=127.0.0.1/32); every case makes its own collection and source.
 */
describe.skipIf(missing !== undefined)('connectors in the web UI (Chromium against lore serve)', () => {
  let server: LoreServer;
  let browser: Browser;
  let page: Page;
  let work: string;
  const sites: TestSite[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'lore-e2e-connectors-'));
    server = await startLoreServer({
      LORE_USER_MANAGEMENT: 'on',
      LORE_ADMIN_EMAIL: admin.email,
      LORE_ADMIN_PASSWORD: admin.password,
      LORE_OCR: 'off',
      LORE_RATE_LIMIT_PER_MINUTE: '100000',
      LORE_WEB_ALLOW_HOSTS: '127.0.0.1/32',
      LORE_WEB_CRAWL_DELAY_MS: '0',
    });
    browser = await openBrowser();
    page = browser.page;
    await page.goto(server.url);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Ask your documents' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const site of sites) await site.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('adds a URL source from the Documents page: its run finishes and the pages are documents', async () => {
    const site = await startTestSite(
      htmlPages({
        '/guide/': html('Orchard guide', 'Pears are picked in September.', ['pruning.html']),
        '/guide/pruning.html': html('Pruning', 'Prune apple trees in late winter.'),
      }),
    );
    sites.push(site);
    await openDocuments(page, 'orchard-web');
    const card = page.locator('.add-url-card');
    await card.getByLabel('Page or site URL').fill(`${site.origin}/guide/`);
    await card.getByLabel('Collection').selectOption({ label: 'orchard-web' });
    await card.getByLabel('Crawl linked pages').check();
    await card.getByLabel('Depth').fill('1');
    await card.getByRole('button', { name: 'Add' }).click();
    await expect
      .poll(() => card.getByTestId('add-url-status').textContent(), { timeout: 60_000 })
      .toMatch(/Done: 2 pages, 2 added/);
    const documents = page.getByRole('table', { name: 'Documents' });
    await documents.getByText('pruning.html').first().waitFor({ timeout: 30_000 });
    // The web connector is listed with its run.
    const row = page.getByTestId(`connector-${site.origin}/guide/`);
    await expect.poll(() => row.getByTestId('last-run').textContent(), { timeout: 30_000 }).toMatch(/done/);
  });

  it('creates a Git connector on a local repository, runs it and shows its runs and documents', async () => {
    const repo = join(work, 'specs-repo');
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'T',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 'T',
      GIT_COMMITTER_EMAIL: 't@example.com',
    };
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    execFileSync('mkdir', ['-p', join(repo, 'docs')]);
    writeFileSync(join(repo, 'docs', 'deploy-checklist.md'), '# Deploy\n\nFreeze merges an hour before.\n');
    writeFileSync(join(repo, 'docs', 'rollback-plan.md'), '# Rollback\n\nKeep the previous image tagged.\n');
    writeFileSync(join(repo, 'README.md'), '# Not in docs/\n');
    execFileSync('git', ['-C', repo, 'add', '-A'], { env });
    execFileSync('git', ['-C', repo, 'commit', '-q', '-m', 'docs'], { env });

    await openDocuments(page, 'specs-git');
    const card = page.locator('.connectors-card');
    await card.getByRole('button', { name: 'New connector' }).click();
    const form = page.getByRole('form', { name: 'New connector' });
    await form.getByLabel('Kind', { exact: true }).selectOption('git');
    await form.getByLabel('Name', { exact: true }).fill('specs');
    // Client-side check before anything is sent.
    await form.getByLabel('Repository', { exact: true }).fill('https://me:secret@git.example/specs.git');
    await form.getByTestId('connector-problem').getByText('Remove the password').waitFor();
    await form.getByLabel('Collection', { exact: true }).selectOption({ label: 'specs-git' });
    await form.getByLabel('Sync every (minutes)', { exact: true }).fill('0');
    await form.getByLabel('Repository', { exact: true }).fill(repo);
    await form.getByLabel('Branch', { exact: true }).fill('main');
    await form.getByLabel('Folder', { exact: true }).fill('docs');
    await form.getByRole('button', { name: 'Create connector' }).click();

    const row = page.getByTestId('connector-specs');
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('never run');
    expect(await row.textContent()).toContain(`${repo} @ main /docs`);
    await row.getByRole('button', { name: 'Run now' }).click();
    await expect
      .poll(() => row.getByTestId('last-run').textContent(), { timeout: 60_000 })
      .toMatch(/done .*2 seen, 2 added/);
    // The history (opened on creation) shows the run with its counts and end time.
    const history = page.getByRole('table', { name: 'Last runs' });
    await expect.poll(() => history.textContent(), { timeout: 30_000 }).toMatch(/done.*api/);
    expect(await history.getByRole('row').count()).toBe(2);
    const documents = page.getByRole('table', { name: 'Documents' });
    await documents.getByText('deploy-checklist').first().waitFor({ timeout: 30_000 });
    await documents.getByText('rollback-plan').first().waitFor();

    // The server's refusal is shown in words: the name is taken.
    await card.getByRole('button', { name: 'New connector' }).click();
    await form.getByLabel('Kind', { exact: true }).selectOption('git');
    await form.getByLabel('Name', { exact: true }).fill('specs');
    await form.getByLabel('Repository', { exact: true }).fill(repo);
    await form.getByRole('button', { name: 'Create connector' }).click();
    await form.getByRole('alert').getByText('A connector named specs already exists').waitFor();
    await form.getByRole('button', { name: 'Close' }).click();
  });

  it('cancels a slow crawl from the connectors card: the run ends cancelled', async () => {
    const links = Array.from({ length: 60 }, (_, n) => `slow-${n}.html`);
    const site = await startTestSite((request, response) => {
      const path = new URL(request.url ?? '/', 'http://site').pathname;
      if (path === '/robots.txt') {
        response.writeHead(404).end();
        return;
      }
      const body =
        path === '/slow/' ? html('Slow index', 'Many slow pages.', links) : html(path, `Text ${path}`);
      setTimeout(() => response.writeHead(200, { 'content-type': 'text/html' }).end(body), 400);
    });
    sites.push(site);
    await openDocuments(page, 'slow-web');
    const card = page.locator('.add-url-card');
    await card.getByLabel('Page or site URL').fill(`${site.origin}/slow/`);
    await card.getByLabel('Collection').selectOption({ label: 'slow-web' });
    await card.getByLabel('Crawl linked pages').check();
    await card.getByLabel('Depth').fill('1');
    await card.getByLabel('Max pages').fill('100');
    await card.getByRole('button', { name: 'Add' }).click();

    const row = page.getByTestId(`connector-${site.origin}/slow/`);
    const cancel = row.getByRole('button', { name: 'Cancel run' });
    await cancel.waitFor({ timeout: 30_000 });
    await cancel.click();
    await expect
      .poll(() => row.getByTestId('last-run').textContent(), { timeout: 30_000 })
      .toMatch(/cancelled/);
    expect(await row.getByTestId('last-run').textContent()).toContain('cancelled on request');
    await expect
      .poll(() => card.getByTestId('add-url-status').textContent(), { timeout: 30_000 })
      .toMatch(/^Cancelled:/);
    const requested = site.requests.filter((entry) => entry.path.startsWith('/slow/slow-')).length;
    expect(requested).toBeLessThan(60);
    // Run now is offered again once the run has ended.
    expect(await row.getByRole('button', { name: 'Run now' }).isDisabled()).toBe(false);
  });

  it('reports no console errors', () => {
    // Expected: a 401 (who is signed in, before sign-in) and the 409 of the taken connector name.
    expect(browser.problems.filter((line) => !/status of (401|409)/.test(line))).toEqual([]);
  });
});

/** Makes a collection through the API (the page's own session and CSRF token), then opens Documents. */
async function openDocuments(page: Page, collection: string): Promise<void> {
  // The session cookie is in place once the page's own "who am I" succeeds.
  await expect
    .poll(() => page.evaluate(async () => (await fetch('/api/v1/auth/me')).status), { timeout: 15_000 })
    .toBe(200);
  const status = await page.evaluate(async (name) => {
    const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken?: string };
    const reply = await fetch('/api/v1/collections', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken ?? '' },
      body: JSON.stringify({ name }),
    });
    return reply.status;
  }, collection);
  expect(status).toBe(201);
  await page.getByRole('link', { name: 'Documents' }).click();
  await page.reload();
  await page.getByRole('heading', { name: 'Connectors' }).waitFor();
}
