import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRouter } from './openapi.js';
import { registerLandingPage, registerWebUi } from './web-ui.js';

const root = mkdtempSync(join(tmpdir(), 'lore-web-ui-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function built(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), body);
  }
  return dir;
}

const web = built('web', { 'index.html': '<p>app</p>', 'assets/app-1234.js': 'app()' });
const landing = built('landing', { 'index.html': '<p>landing</p>', 'assets/index-abcd.css': 'p{}' });
writeFileSync(join(root, 'secret.txt'), 'outside');

function router(landingDir = landing) {
  const http = createRouter();
  registerLandingPage(http, landingDir);
  registerWebUi(http, web);
  return http;
}

describe('registerLandingPage', () => {
  it('serves the landing page at /about/ beside the web UI', async () => {
    const http = router();
    const page = await http.request('/about/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toBe('<p>landing</p>');
    const css = await http.request('/about/assets/index-abcd.css');
    expect(css.headers.get('cache-control')).toContain('immutable');
    expect(await css.text()).toBe('p{}');
    expect((await http.request('/chat')).status).toBe(200);
    expect(await (await http.request('/chat')).text()).toBe('<p>app</p>');
  });

  it('redirects /about to /about/ so relative asset links resolve', async () => {
    const response = await router().request('/about');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/about/');
  });

  it('never serves a file outside the landing build', async () => {
    const http = router();
    for (const path of ['/about/../secret.txt', '/about/%2e%2e/secret.txt', '/about/..%2fsecret.txt']) {
      const response = await http.request(path);
      expect(await response.text()).not.toContain('outside');
    }
  });

  it('adds nothing when the landing page was not built', async () => {
    const http = router(join(root, 'missing'));
    const response = await http.request('/about/');
    // The web UI's page fallback answers instead (client-side routes).
    expect(await response.text()).toBe('<p>app</p>');
  });
});
