import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { PgRestorer } from '../../adapters/store/postgres/pg.restorer.js';
import { SqliteRestorer } from '../../adapters/store/sqlite/sqlite.snapshots.js';
import { closeBlobStore, openBlobStore } from '../../app/storage.js';
import type { LoreConfig } from '../../config/config.schema.js';
import { LoreError } from '../../core/errors.js';
import type { BlobStore } from '../../ports/blob-store.port.js';
import type { DatabaseRestorer } from '../../ports/snapshot.port.js';
import {
  type BackupHeader,
  type BackupManifest,
  blobsPrefix,
  databasePrefix,
  headerName,
  manifestName,
  memberPattern,
} from './manifest.js';
import { readTar } from './tar.js';

export interface RestoreOptions {
  /** Replace the database and originals already in the data folder. */
  force?: boolean;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Row counts in the restored database (after migrations). */
  counts: Record<string, number>;
}

/** What a restore writes to: the data folder, the database (PostgreSQL) and the blob store. */
export type RestoreTarget = Pick<
  LoreConfig,
  'dataDir' | 'databaseUrl' | 'blobUrl' | 's3Region' | 's3Endpoint'
>;

/** The restore side of each database backend; a server backend adds its restorer here. */
export function restorerFor(backend: string, config: RestoreTarget): DatabaseRestorer {
  if (backend === 'sqlite') return new SqliteRestorer(config.dataDir);
  if (backend === 'postgres') {
    if (!config.databaseUrl) {
      throw new LoreError(
        'invalid_request',
        'this is a backup of the postgres backend: set LORE_DATABASE_URL to the empty PostgreSQL database to restore it into',
      );
    }
    return new PgRestorer(config.databaseUrl);
  }
  throw new LoreError('invalid_request', `this Lore cannot restore a backup of the ${backend} backend`);
}

/**
 * Restores an archive written by `writeBackup` into the backend's database (`config.dataDir`, or
 * the PostgreSQL database at `config.databaseUrl` for a postgres backup) and the configured blob
 * store (`LORE_BLOB_URL`, else `<dataDir>/blobs`), which must hold no data and no originals (or
 * `force`). Every member is extracted to a staging folder in `config.dataDir` and checked against
 * the manifest (sha256 and size; originals also against their content address) before the target
 * is touched; a backup from a newer schema is refused from its first member. The database is
 * migrated to this Lore's schema; originals go through `BlobStore.put`; in-memory indexes rebuild
 * when Lore starts.
 */
export async function restoreBackup(
  config: RestoreTarget,
  file: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  await mkdir(config.dataDir, { recursive: true });
  const blobs = openBlobStore(config);
  const staging = await mkdtemp(join(config.dataDir, '.restore-'));
  try {
    let header: BackupHeader | undefined;
    let manifest: BackupManifest | undefined;
    let restorer: DatabaseRestorer | undefined;
    const found = new Map<string, { size: number; sha256: string }>();
    for await (const entry of readTar(await openArchive(file))) {
      if (!memberPattern.test(entry.name)) {
        throw new LoreError(
          'invalid_request',
          `unexpected member ${JSON.stringify(entry.name)} in the backup`,
        );
      }
      if (!header && entry.name !== headerName) {
        throw new LoreError('invalid_request', `${file} is not a Lore backup (no ${headerName} first)`);
      }
      if (entry.name === headerName || entry.name === manifestName) {
        const value = JSON.parse(Buffer.concat(await collect(entry.body)).toString('utf8')) as BackupManifest;
        if (entry.name === manifestName) {
          manifest = value;
          continue;
        }
        header = checkHeader(value);
        restorer = restorerFor(header.backend, config);
        if (header.schemaVersion > restorer.latestSchemaVersion) {
          throw new LoreError(
            'invalid_request',
            `the backup has schema version ${header.schemaVersion}, newer than this Lore supports (${restorer.latestSchemaVersion}); restore it with Lore ${header.loreVersion} or newer`,
          );
        }
        await ensureTarget(restorer, blobs, config.dataDir, options.force === true);
        continue;
      }
      found.set(entry.name, await extract(entry.body, join(staging, entry.name)));
    }
    if (!header || !restorer) throw new LoreError('invalid_request', `${file} is not a Lore backup`);
    if (!manifest) throw new LoreError('invalid_request', `${file} is incomplete: it has no ${manifestName}`);
    verify(manifest, found);

    if (options.force) {
      await restorer.clear();
      const keys: string[] = [];
      for await (const key of blobs.keys()) keys.push(key);
      for (const key of keys) await blobs.delete(key);
    }
    const databaseFiles = [...found.keys()]
      .filter((name) => name.startsWith(databasePrefix))
      .map((name) => name.slice(databasePrefix.length));
    const counts = await restorer.load(join(staging, 'database'), databaseFiles);
    // The dense index files are a cache of the database they were built from: a restored database
    // may reuse their row ids for other chunks, so they are dropped and rebuilt at the next search.
    await rm(join(config.dataDir, 'vectors'), { recursive: true, force: true });
    for (const [table, count] of Object.entries(manifest.counts)) {
      if (table !== 'blobs' && counts[table] !== undefined && counts[table] !== count) {
        throw new LoreError(
          'storage_error',
          `the restored database has ${counts[table]} ${table}, the manifest says ${count}`,
        );
      }
    }
    for (const name of found.keys()) {
      if (!name.startsWith(blobsPrefix)) continue;
      const key = await blobs.put(await readFile(join(staging, name)));
      if (key !== basename(name))
        throw new LoreError('storage_error', `the blob store keeps ${name} under another key (${key})`);
    }
    return { manifest, counts };
  } finally {
    closeBlobStore(blobs);
    await rm(staging, { recursive: true, force: true });
  }
}

function checkHeader(value: BackupManifest): BackupHeader {
  if (value.format !== 'lore-backup' || value.formatVersion !== 1) {
    throw new LoreError(
      'invalid_request',
      `unsupported backup format ${String(value.format)} v${String(value.formatVersion)}`,
    );
  }
  return value;
}

async function ensureTarget(
  restorer: DatabaseRestorer,
  blobs: BlobStore,
  dataDir: string,
  force: boolean,
): Promise<void> {
  if (force) return;
  let hasOriginals = false;
  for await (const _ of blobs.keys()) {
    hasOriginals = true;
    break;
  }
  if (!(await restorer.isEmpty()) || hasOriginals) {
    const where =
      restorer.backend === 'sqlite' ? `the data folder ${dataDir}` : `the ${restorer.backend} target`;
    throw new LoreError(
      'conflict',
      `${where} already holds a database or original files; restore into an empty folder or pass --force to replace them`,
    );
  }
}

function verify(manifest: BackupManifest, found: Map<string, { size: number; sha256: string }>): void {
  const problems: string[] = [];
  for (const member of manifest.members) {
    const got = found.get(member.name);
    if (!got) problems.push(`${member.name} is missing`);
    else if (got.sha256 !== member.sha256 || got.size !== member.size)
      problems.push(`${member.name} does not match its checksum`);
  }
  const listed = new Set(manifest.members.map((member) => member.name));
  for (const [name, got] of found) {
    if (!listed.has(name)) problems.push(`${name} is not in the manifest`);
    if (name.startsWith(blobsPrefix) && !name.endsWith(`/${got.sha256}`))
      problems.push(`${name} does not match its content address`);
  }
  if (problems.length > 0) {
    throw new LoreError(
      'storage_error',
      `the backup is damaged:\n  - ${problems.slice(0, 20).join('\n  - ')}`,
      {
        details: { problems },
      },
    );
  }
}

async function openArchive(file: string): Promise<Readable> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw new LoreError('not_found', `cannot read ${file}: ${(error as Error).message}`);
  });
  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0);
  await handle.close();
  const stream = createReadStream(file);
  return magic[0] === 0x1f && magic[1] === 0x8b ? stream.pipe(createGunzip()) : stream;
}

async function extract(
  body: AsyncIterable<Uint8Array>,
  path: string,
): Promise<{ size: number; sha256: string }> {
  await mkdir(dirname(path), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    (async function* () {
      for await (const chunk of body) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    })(),
    createWriteStream(path, { flags: 'wx' }),
  );
  return { size, sha256: hash.digest('hex') };
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return chunks;
}
