import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const landingDir = dirname(fileURLToPath(import.meta.url));

/**
 * Build-time links: `LORE_LANDING_APP_URL` (where "Open Lore" goes; default `/`, the app beside it when
 * `lore serve` hosts the page at `/about/`) and `LORE_LANDING_REPO_URL` (source and documentation; the
 * paragraph is left out when unset).
 */
export function landingLinks(env: NodeJS.ProcessEnv = process.env): Plugin {
  const appUrl = env.LORE_LANDING_APP_URL || '/';
  const repoUrl = env.LORE_LANDING_REPO_URL ?? '';
  return {
    name: 'lore-landing-links',
    transformIndexHtml(html) {
      const withRepo = repoUrl ? html : html.replace(/\s*<p class="repo"[^>]*>[\s\S]*?<\/p>/, '');
      return withRepo
        .replaceAll('%LORE_LANDING_APP_URL%', escapeAttribute(appUrl))
        .replaceAll('%LORE_LANDING_REPO_URL%', repoUrl ? escapeAttribute(repoUrl) : '');
    },
  };
}

function escapeAttribute(value: string): string {
  if (!/^(https?:\/\/|\/)/.test(value))
    throw new Error(`landing page link must be http(s) or a path: ${value}`);
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

/** The public landing page: static files built into landing/dist by `npm ci`, hosted from S3 + CloudFront. */
export default defineConfig({
  root: landingDir,
  base: './',
  plugins: [landingLinks()],
  build: {
    outDir: join(landingDir, 'dist'),
    emptyOutDir: true,
    sourcemap: false,
    assetsInlineLimit: 0,
  },
});
