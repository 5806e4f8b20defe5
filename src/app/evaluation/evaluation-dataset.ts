import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { unzipSync } from 'fflate';
import { LoreError } from '../../core/errors.js';
import { readTar } from '../../operations/backup/tar.js';

/** Folder names under LORE_DATASETS_DIR that hold a BEIR-layout dataset (corpus, queries, qrels). */
export function listDatasetFolders(datasetsDir: string | undefined): string[] {
  if (!datasetsDir || !existsSync(datasetsDir)) return [];
  return readdirSync(datasetsDir)
    .filter((name) => !name.startsWith('.'))
    .filter((name) => isBeirFolder(join(datasetsDir, name)))
    .sort();
}

/** The folder of dataset `name` under `datasetsDir`, refusing names that leave it. */
export function datasetFolder(datasetsDir: string | undefined, name: string): string {
  if (!datasetsDir)
    throw new LoreError('invalid_request', 'no datasets folder is configured (LORE_DATASETS_DIR)');
  const root = resolve(datasetsDir);
  const folder = normalize(join(root, name));
  if (!folder.startsWith(root + sep) || !isBeirFolder(folder)) {
    throw new LoreError('not_found', `no BEIR dataset named "${name}" in the datasets folder`);
  }
  return folder;
}

function isBeirFolder(folder: string): boolean {
  try {
    return (
      statSync(folder).isDirectory() &&
      (existsSync(join(folder, 'corpus.jsonl')) || existsSync(join(folder, 'corpus.jsonl.gz'))) &&
      existsSync(join(folder, 'queries.jsonl')) &&
      existsSync(join(folder, 'qrels'))
    );
  } catch {
    return false;
  }
}

/**
 * Unpacks an uploaded BEIR-layout archive (.zip, .tar, .tar.gz/.tgz) into `target` and returns the
 * folder holding corpus.jsonl (the archive's root or its single top folder).
 */
export async function unpackDataset(fileName: string, bytes: Uint8Array, target: string): Promise<string> {
  const lower = fileName.toLowerCase();
  const write = async (name: string, content: Uint8Array) => {
    const path = normalize(join(target, name));
    if (!path.startsWith(resolve(target) + sep))
      throw new LoreError('invalid_request', `unsafe path in archive: ${name}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  };
  if (lower.endsWith('.zip')) {
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(bytes);
    } catch {
      throw new LoreError('invalid_request', `${fileName} is not a readable zip archive`);
    }
    for (const [name, content] of Object.entries(files)) if (!name.endsWith('/')) await write(name, content);
  } else if (/\.(tar|tar\.gz|tgz)$/.test(lower)) {
    const input = Readable.from([Buffer.from(bytes)]);
    const stream = lower.endsWith('.tar') ? input : input.pipe(createGunzip());
    for await (const entry of readTar(stream)) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of entry.body) chunks.push(chunk);
      await write(entry.name, Buffer.concat(chunks));
    }
  } else {
    throw new LoreError('invalid_request', 'upload the dataset as .zip, .tar, .tar.gz or .tgz');
  }
  if (isBeirFolder(target)) return target;
  const inner = readdirSync(target)
    .map((name) => join(target, name))
    .find(isBeirFolder);
  if (!inner) {
    throw new LoreError(
      'invalid_request',
      `${fileName} does not hold a BEIR-layout dataset (corpus.jsonl, queries.jsonl, qrels/test.tsv)`,
    );
  }
  return inner;
}
