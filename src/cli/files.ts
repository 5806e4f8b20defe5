import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { LoreError } from '../core/errors.js';

/** Files under the given paths (folders walked recursively, hidden entries and symlinks skipped). */
export async function collectFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new LoreError('not_found', `${path}: no such file or folder`);
    if (info.isDirectory()) await walk(absolute, out);
    else if (info.isFile()) out.push(absolute);
  }
  return [...new Set(out)];
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
}

/** True for files Lore skips in folders: editor backups, OS metadata, lock files. */
export function isIgnoredFile(path: string): boolean {
  const name = basename(path);
  return name.startsWith('~$') || name.endsWith('~') || name === 'Thumbs.db' || name.endsWith('.lock');
}
