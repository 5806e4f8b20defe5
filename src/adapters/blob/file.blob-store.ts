import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LoreError } from '../../core/errors.js';
import type { BlobStore } from '../../ports/blob-store.port.js';

const keyPattern = /^[0-9a-f]{64}$/;

/**
 * Original files on disk, content-addressed: `<root>/ab/abcdef…` holds the bytes whose sha256 is
 * `abcdef…`. Writes go to a temp file first and are renamed into place, so a crash never leaves a
 * partial blob under a real key.
 */
export class FileBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  async put(bytes: Uint8Array): Promise<string> {
    const key = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(key);
    if (await exists(path)) return key;
    await mkdir(join(this.root, key.slice(0, 2)), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, path);
    return key;
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (error) {
      throw new LoreError('not_found', `original file ${key} is missing from the blob store`, {
        cause: error,
      });
    }
  }

  async has(key: string): Promise<boolean> {
    return exists(this.pathOf(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *keys(): AsyncIterable<string> {
    let prefixes: string[];
    try {
      prefixes = await readdir(this.root);
    } catch {
      return;
    }
    for (const prefix of prefixes.sort()) {
      const names = await readdir(join(this.root, prefix)).catch(() => [] as string[]);
      for (const name of names.sort()) if (keyPattern.test(name)) yield name;
    }
  }

  private pathOf(key: string): string {
    if (!keyPattern.test(key)) throw new LoreError('invalid_request', `not a blob key: ${key}`);
    return join(this.root, key.slice(0, 2), key);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
