import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/cli.js';
import { htmlPages, startTestSite, type TestSite } from '../fixtures/web-site.js';

/* `lore ingest https://…` (the built CLI) against a local site. */

const work = mkdtempSync(join(tmpdir(), 'lore-web-cli-'));
let site: TestSite;

beforeAll(async () => {
  site = await startTestSite(
    htmlPages({
      '/': '<html><head><title>Home</title></head><body><p>The lighthouse keeper logs the tides.</p><a href="/next">next</a></body></html>',
      '/next':
        '<html><head><title>Next</title></head><body><p>Foghorns sound every thirty seconds.</p></body></html>',
    }),
  );
});

afterAll(async () => {
  await site?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('lore ingest URL', () => {
  it('refuses a loopback site without the allow-list, and exits non-zero', async () => {
    const env = { LORE_DATA_DIR: join(work, 'closed'), LORE_WEB_CRAWL_DELAY_MS: '0' };
    const result = await runCli(['ingest', `${site.origin}/`], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/loopback/);
    expect(result.stderr).toMatch(/\[forbidden\]/);
  });

  it('crawls with --depth, then answers searches citing the page URL', async () => {
    const env = {
      LORE_DATA_DIR: join(work, 'open'),
      LORE_WEB_ALLOW_HOSTS: '127.0.0.1/32',
      LORE_WEB_CRAWL_DELAY_MS: '0',
    };
    const ingest = await runCli(
      ['ingest', `${site.origin}/`, '--depth', '1', '--max-pages', '5', '--json'],
      env,
    );
    expect(ingest.code, ingest.stderr).toBe(0);
    const lines = ingest.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { url: string; status: string });
    expect(lines.map((line) => [line.url, line.status])).toEqual([
      [`${site.origin}/`, 'added'],
      [`${site.origin}/next`, 'added'],
    ]);
    const search = await runCli(['search', 'foghorns', '--json'], env);
    expect(search.stdout).toContain(`${site.origin}/next`);
  });
});
