import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const webDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(webDir, '..');

/**
 * Copies what the browser loads at run time beside the bundle: pdf.js standard fonts and CMaps
 * (PDFs that do not embed their fonts) and Lore's own `docs/*.md` for the first-run
 * "try it on Lore's documentation" button (with an `index.json` listing them).
 */
function runtimeFiles(): Plugin {
  return {
    name: 'lore-runtime-files',
    apply: 'build',
    writeBundle(options) {
      const out = options.dir ?? join(webDir, 'dist');
      const pdfjs = join(repoRoot, 'node_modules', 'pdfjs-dist');
      for (const folder of ['standard_fonts', 'cmaps']) {
        if (existsSync(join(pdfjs, folder)))
          cpSync(join(pdfjs, folder), join(out, 'pdfjs', folder), { recursive: true });
      }
      const docs = join(repoRoot, 'docs');
      const target = join(out, 'sample-docs');
      mkdirSync(target, { recursive: true });
      const names = existsSync(docs)
        ? readdirSync(docs)
            .filter((name) => name.endsWith('.md'))
            .sort()
        : [];
      for (const name of names) writeFileSync(join(target, name), readFileSync(join(docs, name)));
      writeFileSync(join(target, 'index.json'), JSON.stringify({ files: names }));
    },
  };
}

/** The web UI: built into web/dist by `npm ci` (prepare) and served by `lore serve` at `/`. */
export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react(), runtimeFiles()],
  build: {
    outDir: join(webDir, 'dist'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:7860' } },
});
