import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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
    const temp = `${path}.${randomUUID()}.tmp`;
    try {
      await mkdir(join(this.root, key.slice(0, 2)), { recursive: true });
      await writeFile(temp, bytes);
      await rename(temp, path);
    } catch (error) {
      // A partial temp file (disk full mid-write) would hold space no one reclaims.
      await rm(temp, { force: true }).catch(() => undefined);
      throw writeFailure(error, this.root, bytes.byteLength);
    }
    return key;
  }

  async putFile(source: string, sha256: string): Promise<string> {
    const path = this.pathOf(sha256);
    if (await exists(path)) return sha256;
    const temp = `${path}.${randomUUID()}.tmp`;
    try {
      await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
      // A rename when the staged file is on the same volume; else a copy to a temp name first.
      await rename(source, path).catch(async (error: unknown) => {
        if ((error as { code?: unknown }).code !== 'EXDEV') throw error;
        await copyFile(source, temp);
        await rename(temp, path);
      });
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw writeFailure(error, this.root, (await stat(source).catch(() => undefined))?.size ?? 0);
    }
    return sha256;
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

/** Why storing an original failed, in words: a full volume is `storage_full`, anything else `storage_error`. */
function writeFailure(error: unknown, root: string, size: number): LoreError {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new LoreError(
      'storage_full',
      `no space left on the volume holding the original files (${root}) to store ${size} bytes (${code})`,
      { cause: error },
    );
  }
  return new LoreError(
    'storage_error',
    `cannot store an original file in ${root}: ${(error as Error).message ?? String(error)}`,
    { cause: error },
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
