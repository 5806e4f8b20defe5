import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from './http-env.js';
import { missingWebUiPage } from './index.page.js';

/** `web/dist` of this checkout (beside `dist/` and `src/`), where `npm ci` builds the web UI. */
export const defaultWebDist = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

/** `landing/dist` of this checkout: the public landing page, built by `npm ci` (hosted on S3 + CloudFront in production). */
export const defaultLandingDist = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'landing',
  'dist',
);

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.pfb': 'application/octet-stream',
  '.bcmap': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the web UI never answers: the API, OpenAI-compatible and MCP endpoints, probes. */
const serverPaths = /^\/(api|v1|mcp)(\/|$)|^\/(healthz|readyz|metrics)$/;

/**
 * Serves the built web UI: files of `web/dist` (hashed `/assets/*` cached for a year, the rest
 * revalidated), and `index.html` for any other GET that wants a page (client-side routes). Without a
 * build, `/` explains how to make one. Register after the API routes.
 */
export function registerWebUi(router: OpenAPIHono<AppEnv>, distDir: string = defaultWebDist): void {
  const root = resolve(distDir);
  const indexFile = join(root, 'index.html');
  const built = existsSync(indexFile);
  const indexHtml = built ? readFileSync(indexFile) : undefined;

  router.get('/*', async (c, next) => {
    const path = decodeURIComponent(c.req.path);
    if (serverPaths.test(path)) return next();
    if (!indexHtml) {
      if (path === '/' || path === '/index.html') {
        c.header('Cache-Control', 'no-cache');
        return c.html(missingWebUiPage);
      }
      return next();
    }
    const file = builtFile(root, path);
    if (file) return sendFile(c, file, path.startsWith('/assets/'));
    if (extname(path) !== '' && !path.endsWith('.html')) return next();
    c.header('Content-Type', 'text/html; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(new Uint8Array(indexHtml));
  });
}

/**
 * Serves the landing page (`landing/dist`) at `/about/`, so the sign-in page's "About Lore" link works
 * on any installation; production deployments host the same files on S3 + CloudFront
 * (`deploy/terraform/aws/modules/landing`). Nothing is served when it was not built. Register before
 * `registerWebUi`.
 */
export function registerLandingPage(router: OpenAPIHono<AppEnv>, distDir: string = defaultLandingDist): void {
  const root = resolve(distDir);
  if (!existsSync(join(root, 'index.html'))) return;
  router.get('/about', (c) => c.redirect('/about/', 301));
  router.get('/about/*', async (c, next) => {
    const path = c.req.path.slice('/about'.length);
    const file = builtFile(root, path === '/' ? '/index.html' : path);
    return file ? sendFile(c, file, path.startsWith('/assets/')) : next();
  });
}

/** The file of `root` a URL path names, if it exists inside it and has an extension. */
function builtFile(root: string, path: string): string | undefined {
  const file = normalize(join(root, path));
  return file.startsWith(root + sep) && extname(file) !== '' && isFile(file) ? file : undefined;
}

/** A static file: hashed assets cached for a year, everything else revalidated. */
async function sendFile(c: Context<AppEnv>, file: string, hashed: boolean): Promise<Response> {
  const body = await readFile(file);
  c.header('Content-Type', contentTypes[extname(file)] ?? 'application/octet-stream');
  c.header('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
  return c.body(new Uint8Array(body));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
