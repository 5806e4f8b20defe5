import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { landingLinks } from './vite.config.js';

const landingDir = dirname(fileURLToPath(import.meta.url));
const outRoot = mkdtempSync(join(tmpdir(), 'lore-landing-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

async function buildLanding(env: NodeJS.ProcessEnv): Promise<{ html: string; dir: string }> {
  const dir = mkdtempSync(join(outRoot, 'build-'));
  await build({
    configFile: false,
    root: landingDir,
    base: './',
    logLevel: 'silent',
    plugins: [landingLinks(env)],
    build: { outDir: dir, emptyOutDir: true, assetsInlineLimit: 0 },
  });
  return { html: readFileSync(join(dir, 'index.html'), 'utf8'), dir };
}

describe('the landing page build', () => {
  it('links to the app and the repository given at build time, with relative assets', async () => {
    const { html, dir } = await buildLanding({
      LORE_LANDING_APP_URL: 'https://lore.example.com/',
      LORE_LANDING_REPO_URL: 'https://github.com/example/lore',
    });
    expect(html).toContain('href="https://lore.example.com/" data-testid="open-app"');
    expect(html).toContain('href="https://github.com/example/lore"');
    expect(html).not.toContain('%LORE_');
    // Relative asset links work both at a CloudFront root and under /about/.
    expect(html).toMatch(/href="\.\/assets\/index-[\w-]+\.css"/);
    expect(html).toMatch(/src="\.\/assets\/chat-pdf-citation-[\w-]+\.png"/);
    expect(readdirSync(join(dir, 'assets')).some((name) => name.endsWith('.png'))).toBe(true);
    // No script at all: the page works under the strictest CSP.
    expect(html).not.toContain('<script');
  });

  it('defaults to the app beside it and leaves out the repository link when none is given', async () => {
    const { html } = await buildLanding({});
    expect(html).toContain('href="/" data-testid="open-app"');
    expect(html).not.toContain('class="repo"');
  });

  it('refuses a link that is not http(s) or a path', async () => {
    await expect(buildLanding({ LORE_LANDING_APP_URL: 'javascript:alert(1)' })).rejects.toThrow(
      /must be http\(s\) or a path/,
    );
  });
});
