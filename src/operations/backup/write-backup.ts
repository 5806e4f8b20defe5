import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { BlobStore } from '../../ports/blob-store.port.js';
import type { DatabaseSnapshots } from '../../ports/snapshot.port.js';
import { loreVersion } from '../version.js';
import {
  type BackupHeader,
  type BackupManifest,
  type BackupMember,
  blobMemberName,
  databasePrefix,
  headerName,
  manifestName,
} from './manifest.js';
import { TarWriter } from './tar.js';

export type BackupProgress = (event: { phase: 'database' | 'blobs' | 'done'; done?: number }) => void;

/**
 * Writes one archive (tar; gzip when `file` ends in `.gz` or `.tgz`) holding a consistent snapshot
 * of the database, every original file and a manifest with counts and the sha256 of every member.
 * Safe while the server runs: the database snapshot is one point in time, and originals are
 * content-addressed and never change, so copying them after the snapshot captures every file it
 * refers to (except one deleted in between, which the manifest lists). In-memory indexes are not
 * archived: they rebuild from the database when Lore starts. The file appears only when complete.
 */
export async function writeBackup(
  source: { snapshots: DatabaseSnapshots; blobs: BlobStore },
  file: string,
  progress: BackupProgress = () => undefined,
): Promise<BackupManifest> {
  await mkdir(dirname(file), { recursive: true });
  const staging = await mkdtemp(join(dirname(file), `.${basename(file)}.staging-`));
  const partial = `${file}.${randomUUID().slice(0, 8)}.partial`;
  try {
    progress({ phase: 'database' });
    const exported = await source.snapshots.export(staging);
    const header: BackupHeader = {
      format: 'lore-backup',
      formatVersion: 1,
      backend: source.snapshots.backend,
      schemaVersion: exported.schemaVersion,
      loreVersion: loreVersion(),
      createdAt: new Date().toISOString(),
    };
    const gzip = /\.(t?gz)$/i.test(file);
    const out = createWriteStream(partial, { flags: 'wx' });
    const tarStream = new PassThrough();
    const piping = gzip ? pipeline(tarStream, createGzip({ level: 6 }), out) : pipeline(tarStream, out);
    const tar = new TarWriter(tarStream as Writable);
    const members: BackupMember[] = [];
    const add = async (name: string, size: number, body: Uint8Array | AsyncIterable<Uint8Array>) => {
      members.push({ name, size, sha256: await tar.add(name, size, body) });
    };

    const headerBytes = json(header);
    await tar.add(headerName, headerBytes.length, headerBytes);
    for (const name of exported.files) {
      const path = join(staging, name);
      await add(databasePrefix + name, (await stat(path)).size, createReadStream(path));
    }
    progress({ phase: 'blobs', done: 0 });
    const archived = new Set<string>();
    const corruptBlobs: string[] = [];
    for await (const key of source.blobs.keys()) {
      let bytes: Uint8Array;
      try {
        bytes = await source.blobs.get(key);
      } catch {
        continue; // deleted since it was listed
      }
      if (createHash('sha256').update(bytes).digest('hex') !== key) {
        corruptBlobs.push(key);
        continue;
      }
      await add(blobMemberName(key), bytes.length, bytes);
      archived.add(key);
      if (archived.size % 100 === 0) progress({ phase: 'blobs', done: archived.size });
    }
    const manifest: BackupManifest = {
      ...header,
      counts: { ...exported.counts, blobs: archived.size },
      members,
      missingBlobs: exported.blobKeys.filter((key) => !archived.has(key) && !corruptBlobs.includes(key)),
      corruptBlobs,
    };
    const manifestBytes = json(manifest);
    await tar.add(manifestName, manifestBytes.length, manifestBytes);
    await tar.finish();
    await piping;
    await rename(partial, file);
    progress({ phase: 'done', done: archived.size });
    return manifest;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}
