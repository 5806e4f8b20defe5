import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Browser, chromiumMissing, openBrowser, screenshots } from '../fixtures/browser.js';
import { runCli } from '../fixtures/cli.js';
import { describeRequiring, documentPath, hasDatasets } from '../fixtures/datasets.js';
import { type LoreServer, startLoreServer } from '../fixtures/lore-server.js';

const admin = { email: 'admin@example.com', password: 'correct horse battery staple' };
const member = { email: 'reader@example.com', password: 'another long passphrase' };

const handbook = `# Employee handbook

## Time off

New hires get 25 vacation days per year, and the days carry over to the next year.
Sick leave is unlimited but must be reported to your manager on the first day.

## Equipment

Every employee receives a laptop and a second screen on their first day.
`;

const missing = chromiumMissing() ?? (hasDatasets ? undefined : 'datasets folder not found');

/** Letters and digits only, lower case: how the PDF text layer is compared with Lore's quote. */
const fold = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

describeRequiring('web UI in Chromium against lore serve', missing, () => {
  let server: LoreServer;
  let browser: Browser;
  let page: Page;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'lore-e2e-'));
    const datasets = join(work, 'datasets');
    mkdirSync(join(datasets, 'tiny-beir', 'qrels'), { recursive: true });
    writeTinyBeir(join(datasets, 'tiny-beir'));
    writeFileSync(join(work, 'handbook.md'), handbook);
    server = await startLoreServer({
      LORE_USER_MANAGEMENT: 'on',
      LORE_ADMIN_EMAIL: admin.email,
      LORE_ADMIN_PASSWORD: admin.password,
      LORE_OCR: 'off',
      LORE_DATASETS_DIR: datasets,
      LORE_RATE_LIMIT_PER_MINUTE: '100000',
    });
    browser = await openBrowser();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('shows the landing page and signs in', async () => {
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshots(page, '01-landing');
    await signIn(page, admin);
    await page.getByRole('heading', { name: 'Ask your documents' }).waitFor();
    await page.getByRole('button', { name: 'Try it on Lore’s own documentation' }).waitFor();
    await screenshots(page, '02-chat-empty');
  });

  it('uploads files with per-file progress; a bad file fails alone', async () => {
    await page.getByRole('link', { name: 'Documents' }).click();
    await page.getByRole('heading', { name: 'Documents', exact: true }).waitFor();
    await page
      .getByTestId('file-input')
      .setInputFiles([
        documentPath('pdf/pdfminer__naacl06-shinyama.pdf'),
        join(work, 'handbook.md'),
        documentPath('pdf/pdfminer__aes-128.pdf'),
      ]);
    const items = page.getByTestId('upload-item');
    await expect.poll(async () => items.count()).toBe(3);
    await expect
      .poll(
        async () => items.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-phase')).sort()),
        {
          timeout: 60_000,
        },
      )
      .toEqual(['done', 'done', 'failed']);
    const failed = page.locator('[data-testid="upload-item"][data-phase="failed"]');
    await expect.poll(() => failed.textContent()).toContain('pdfminer__aes-128.pdf');
    expect(await failed.textContent()).toMatch(/password-protected/i);
    await page.getByRole('table', { name: 'Documents' }).getByText('handbook').first().waitFor();
    await screenshots(page, '03-documents');
  });

  it('shows a connector on the Documents page and its run progress after Run now', async () => {
    const repo = join(work, 'connector-repo');
    const gitEnv = {
      ...process.env,
      GIT_AUTHOR_NAME: 'T',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 'T',
      GIT_COMMITTER_EMAIL: 't@example.com',
    };
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(
      join(repo, 'runbook.md'),
      '# Runbook\n\nRestart the queue worker before the billing job.\n',
    );
    writeFileSync(join(repo, 'oncall.md'), '# On call\n\nPage the second responder after 15 minutes.\n');
    execFileSync('git', ['-C', repo, 'add', '-A'], { env: gitEnv });
    execFileSync('git', ['-C', repo, 'commit', '-q', '-m', 'docs'], { env: gitEnv });
    const added = await runCli(
      ['connectors', 'add', 'runbooks', repo, '--collection', 'ops', '--every', '0'],
      {
        LORE_DATA_DIR: server.dataDir,
      },
    );
    expect(added.code, added.stderr).toBe(0);
    await page.getByRole('link', { name: 'Documents' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'Connectors' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'runbooks' });
    await expect.poll(() => row.textContent()).toContain('never run');
    await row.getByRole('button', { name: 'Run now' }).click();
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toMatch(/done .*2 seen, 2 added/);
    await page.getByRole('table', { name: 'Documents' }).getByText('runbook').first().waitFor();
    await screenshots(page, '03b-connectors');
  });

  it('previews the extracted text and chunks of a document', async () => {
    await page
      .getByRole('button', {
        name: 'Preemptive Information Extraction using Unrestricted Relation Discovery',
      })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('We are trying to extend the boundary').first().waitFor();
    await dialog.getByRole('tab', { name: 'Chunks' }).click();
    await dialog
      .getByText(/characters \d+–\d+/)
      .first()
      .waitFor();
    await screenshots(page, '04-document-preview');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('streams an answer and highlights a text citation exactly', async () => {
    await page.getByRole('link', { name: 'Chat' }).click();
    await ask(page, 'How many vacation days do new hires get?');
    const marker = page.locator('.turn').last().locator('button.marker').first();
    await marker.click();
    const panel = page.getByTestId('source-panel');
    const highlighted = panel.locator('mark.text-highlight');
    await highlighted.waitFor();
    const quote = (await panel.locator('blockquote.quote').textContent()) ?? '';
    expect(quote).toContain('25 vacation days');
    expect(await highlighted.textContent()).toBe(quote);
    // The mark is exactly text.slice(start, end) of the document's extracted text.
    const exact = await page.evaluate(async () => {
      const panelText = document.querySelector('[data-testid="source-text"]')?.textContent ?? '';
      const mark = document.querySelector('mark.text-highlight')?.textContent ?? '';
      return { panelText, mark };
    });
    expect(exact.panelText).toContain(exact.mark);
    await screenshots(page, '05-chat-text-citation', undefined, { fullPage: false });
  });

  it('highlights a PDF citation on the rendered page', async () => {
    await ask(page, 'What is Unrestricted Relation Discovery?');
    const turn = page.locator('.turn').last();
    await turn
      .getByRole('button', { name: /Source \d+: Preemptive Information Extraction.*page/ })
      .first()
      .click();
    const panel = page.getByTestId('source-panel');
    const pdfPage = panel.getByTestId('pdf-page');
    await expect.poll(() => pdfPage.getAttribute('data-state'), { timeout: 30_000 }).toBe('found');
    const quote = (await panel.locator('blockquote.quote').textContent()) ?? '';
    const marked = await panel.locator('mark.pdf-highlight').allTextContents();
    expect(marked.length).toBeGreaterThan(0);
    expect(fold(marked.join(''))).toBe(fold(quote));
    expect(await panel.locator('.pdf-page canvas').count()).toBe(1);
    await screenshots(
      page,
      '06-chat-pdf-citation',
      async () => {
        await page.waitForTimeout(300);
      },
      { fullPage: false },
    );
    // Feedback with a comment.
    await turn.getByRole('button', { name: 'Not helpful' }).click();
    await turn.getByPlaceholder(/What was good or missing/).fill('Wanted a shorter answer');
    await turn.getByRole('button', { name: 'Send' }).click();
    await turn.getByText('Thanks for the feedback.').waitFor();
    await panel.getByRole('button', { name: 'Close the source' }).click();
  });

  it('manages users, API keys, providers and the audit log', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('Email').fill(member.email);
    await form.getByLabel('Name').fill('Rita Reader');
    await form.getByLabel('Initial password').fill(member.password);
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('table', { name: 'Users' }).getByText(member.email).waitFor();
    await screenshots(page, '07-admin-users');
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.getByRole('form', { name: 'New API key' }).getByLabel('Name').fill('nightly sync');
    await page.getByRole('button', { name: 'Create key' }).click();
    expect(await page.getByTestId('api-key-secret').textContent()).toMatch(/^lore_/);
    await screenshots(page, '08-admin-api-keys');
    await page.getByRole('tab', { name: 'Providers' }).click();
    await page.getByRole('button', { name: 'Test the providers' }).click();
    expect(await page.getByTestId('test-llm').textContent()).toBe('Nothing to test.');
    await screenshots(page, '09-admin-providers');
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page.getByRole('table', { name: 'Audit log' }).getByText('user.create').first().waitFor();
    await screenshots(page, '10-admin-audit');
  });

  it('shares a collection with another user, who sees only it', async () => {
    writeFileSync(join(work, 'team-note.md'), '# Team offsite\n\nThe team offsite is in Lisbon in May.\n');
    await page.getByRole('link', { name: 'Collections' }).click();
    const create = page.getByRole('form', { name: 'New collection' });
    await create.getByLabel('Name').fill('team');
    await create.getByRole('button', { name: 'Create collection' }).click();
    const card = page.getByRole('article', { name: 'team' });
    await card.waitFor();
    await page.getByRole('link', { name: 'Documents' }).click();
    await page.getByLabel('Add to collection').fill('team');
    await page.getByTestId('file-input').setInputFiles([join(work, 'team-note.md')]);
    await page
      .locator('[data-testid="upload-item"][data-phase="done"]', { hasText: 'team-note.md' })
      .waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'Collections' }).click();
    await card.getByRole('button', { name: 'Share' }).click();
    await card.getByLabel('Email or group').fill(member.email);
    await card.getByRole('button', { name: 'Share', exact: true }).last().click();
    await card.getByText('Sharing saved.').waitFor();
    await screenshots(page, '11-collections');

    const other = await openBrowser();
    try {
      await other.page.goto(server.url);
      await signIn(other.page, member);
      await other.page.getByRole('link', { name: 'Collections' }).click();
      await other.page.getByRole('article', { name: 'team' }).waitFor();
      expect(await other.page.getByRole('article').count()).toBe(1);
      expect(await other.page.getByRole('article', { name: 'team' }).textContent()).toContain('reader');
      await other.page.getByRole('link', { name: 'Chat' }).click();
      await ask(other.page, 'Where is the team offsite?');
      const answer = other.page.locator('.turn').last();
      expect(await answer.textContent()).toContain('Lisbon');
      expect(await answer.textContent()).not.toContain('vacation');
      // A member has no administration pages.
      expect(await other.page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
      await screenshots(other.page, '12-member-chat', undefined, { fullPage: false });
    } finally {
      await other.close();
    }
  });

  it('runs an evaluation twice and compares the runs', async () => {
    await page.getByRole('link', { name: 'Evaluation' }).click();
    const form = page.getByRole('form', { name: 'New evaluation' });
    for (let round = 1; round <= 2; round++) {
      await form.getByLabel('Dataset folder').selectOption('tiny-beir');
      await form.getByRole('button', { name: 'Run evaluation' }).click();
      await expect
        .poll(() => page.locator('[data-testid="evaluation-run"][data-state="done"]').count(), {
          timeout: 60_000,
        })
        .toBe(round);
    }
    const row = page.getByTestId('evaluation-run').first();
    expect(await row.textContent()).toContain('1.0000');
    const boxes = page.getByRole('checkbox', { name: /Compare the tiny-beir run/ });
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByRole('table', { name: 'Comparison' }).waitFor();
    await screenshots(page, '13-evaluation');
  });

  it('shows analytics with charts and a CSV export', async () => {
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: 'Questions per day' }).waitFor();
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toBe(
      '/api/v1/analytics.csv',
    );
    await page.locator('.recharts-surface').first().waitFor();
    await screenshots(page, '14-analytics', async () => {
      await page.waitForTimeout(400);
    });
  });

  it('switches to the dark theme', async () => {
    await page.getByRole('link', { name: 'Chat' }).click();
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.locator('.conversation-list a').first().click();
    await page.locator('.turn').first().waitFor();
    await page.locator('.turn').last().locator('button.marker').first().click();
    await page.getByTestId('source-panel').waitFor();
    await screenshots(
      page,
      '15-chat-dark',
      async () => {
        await page.waitForTimeout(800);
      },
      { fullPage: false },
    );
  });

  it('reports no console errors or CSP violations', () => {
    // A 401 is expected once: the page asks who is signed in before anyone is.
    expect(browser.problems.filter((line) => !/status of 401/.test(line))).toEqual([]);
  });
});

async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function ask(page: Page, question: string): Promise<void> {
  const before = await page.locator('.turn').count();
  await page.getByLabel('Your question').fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect.poll(() => page.locator('.turn').count()).toBe(before + 1);
  await page.locator('.turn').last().getByTestId('answer-mode').waitFor({ timeout: 30_000 });
}

/** A three-document BEIR set: corpus.jsonl, queries.jsonl, qrels/test.tsv. */
function writeTinyBeir(dir: string): void {
  const corpus = [
    {
      _id: 'd1',
      title: 'Volcanoes',
      text: 'Basaltic lava flows from shield volcanoes such as those on Hawaii.',
    },
    {
      _id: 'd2',
      title: 'Glaciers',
      text: 'Glaciers carve U-shaped valleys as the ice moves slowly downhill.',
    },
    { _id: 'd3', title: 'Deserts', text: 'Sand dunes migrate across deserts pushed by prevailing winds.' },
  ];
  writeFileSync(join(dir, 'corpus.jsonl'), `${corpus.map((doc) => JSON.stringify(doc)).join('\n')}\n`);
  const queries = [
    { _id: 'q1', text: 'lava from shield volcanoes' },
    { _id: 'q2', text: 'how glaciers carve valleys' },
  ];
  writeFileSync(join(dir, 'queries.jsonl'), `${queries.map((query) => JSON.stringify(query)).join('\n')}\n`);
  writeFileSync(join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n');
}
