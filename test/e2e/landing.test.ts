import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Browser, chromiumMissing, openBrowser, screenshots } from '../fixtures/browser.js';
import { describeRequiring } from '../fixtures/datasets.js';
import { type LoreServer, startLoreServer } from '../fixtures/lore-server.js';

describeRequiring('the landing page in Chromium', chromiumMissing(), () => {
  let server: LoreServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startLoreServer({
      LORE_USER_MANAGEMENT: 'on',
      LORE_ADMIN_EMAIL: 'admin@example.com',
      LORE_ADMIN_PASSWORD: 'correct horse battery staple',
      LORE_OCR: 'off',
    });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is linked from the sign-in page and links back to the app, under a strict CSP', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByTestId('landing-link').click();
    await page.getByRole('heading', { level: 1, name: /See exactly where the answer comes from/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/about/');
    // The stylesheet and the screenshot load (relative links under /about/).
    const layout = await page.evaluate(() => ({
      grid: getComputedStyle(document.querySelector('.grid') as Element).display,
      image: (document.querySelector('.shot img') as HTMLImageElement).naturalWidth,
    }));
    expect(layout).toEqual({ grid: 'grid', image: 1280 });
    await screenshots(page, '20-landing-page');
    await page.getByTestId('open-app').click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The signed-out app asks who is signed in (401); nothing else may fail: no CSP violation, no missing file.
    expect(browser.problems.filter((line) => !/status of 401/.test(line))).toEqual([]);
  });
});
