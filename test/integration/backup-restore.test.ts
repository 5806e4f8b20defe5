import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { blobMemberName } from '../../src/operations/backup/manifest.js';
import { readTar, TarWriter } from '../../src/operations/backup/tar.js';
import { requireBuiltCli, runCli } from '../fixtures/cli.js';
import { describeWithDatasets, readDocument } from '../fixtures/datasets.js';
import { type ServeProcess, startServe, uploadFiles, waitForJob } from '../fixtures/serve.js';

const files = [
  'markdown/pandoc__testsuite.txt',
  'docx/pandoc__tables.docx',
  'pdf/pdfminer__naacl06-shinyama.pdf',
  'pdf/pypdf__crazyones.txt',
  'odt/pandoc__unicode.odt',
];
const queries = ['table', 'crazy ones misfits', 'japanese', 'header', 'the'];

describeWithDatasets('lore backup / lore restore', () => {
  const root = mkdtempSync(join(tmpdir(), 'lore-backup-'));
  const source = join(root, 'source');
  const archive = join(root, 'lore.tar.gz');
  let server: ServeProcess;

  beforeAll(async () => {
    requireBuiltCli();
    server = await startServe({ LORE_DATA_DIR: source });
    const jobIds = await uploadFiles(
      server.url,
      files.map((file) => ({ name: file.split('/').pop()!, bytes: readDocument(file) })),
    );
    for (const jobId of jobIds) await waitForJob(server.url, jobId);
  }, 120_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('backs up while the server runs and restores the same documents, chunks, search results and originals', async () => {
    const backup = await runCli(['backup', archive], { LORE_DATA_DIR: source });
    expect(backup.stderr).not.toMatch(/error/i);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/wrote .*lore\.tar\.gz: schema \d+, .*documents/);
    // The server kept serving during the backup.
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    const target = join(root, 'restored');
    const restore = await runCli(['restore', archive], { LORE_DATA_DIR: target });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);

    const before = await createApp(loadConfig({}, { dataDir: source }), {
      embedder: null,
      languageModel: null,
    });
    const after = await createApp(loadConfig({}, { dataDir: target }), {
      embedder: null,
      languageModel: null,
    });
    try {
      const documents = (await before.store.listDocuments()).map((d) => [
        d.id,
        d.contentHash,
        d.chunkCount,
        d.blobKey,
      ]);
      expect(documents.length).toBeGreaterThanOrEqual(3);
      expect(
        (await after.store.listDocuments()).map((d) => [d.id, d.contentHash, d.chunkCount, d.blobKey]),
      ).toEqual(documents);
      expect(await after.store.countChunks()).toBe(await before.store.countChunks());
      for (const query of queries) {
        const hitsOf = async (app: typeof before) =>
          (await app.search.search({ query, limit: 10 })).hits.map((hit) => [
            hit.chunk.id,
            hit.score.toFixed(6),
          ]);
        expect(await hitsOf(after)).toEqual(await hitsOf(before));
      }
      const keys = async (app: typeof before) => {
        const all: string[] = [];
        for await (const key of app.blobs.keys()) all.push(key);
        return all;
      };
      const sourceKeys = await keys(before);
      expect(await keys(after)).toEqual(sourceKeys);
      for (const key of sourceKeys)
        expect(Buffer.from(await after.blobs.get(key))).toEqual(Buffer.from(await before.blobs.get(key)));
    } finally {
      await before.close();
      await after.close();
    }
  });

  it('refuses a non-empty data folder unless --force', async () => {
    const target = join(root, 'busy');
    expect((await runCli(['restore', archive], { LORE_DATA_DIR: target })).code).toBe(0);
    const again = await runCli(['restore', archive], { LORE_DATA_DIR: target });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already holds a database.*--force/);
    // A dense index built from the replaced database must not survive it (its row ids may be reused).
    mkdirSync(join(target, 'vectors'), { recursive: true });
    writeFileSync(join(target, 'vectors', 'old.manifest.json'), '{}');
    const forced = await runCli(['restore', archive, '--force'], { LORE_DATA_DIR: target });
    expect(forced.code).toBe(0);
    expect(existsSync(join(target, 'vectors'))).toBe(false);
  });

  it('refuses a damaged archive and a backup from a newer schema, leaving the target untouched', async () => {
    // Rewrite the archive with one byte of one original changed.
    const damaged = join(root, 'damaged.tar');
    const out = new TarWriter(createWriteStream(damaged));
    let changed = false;
    const { createGunzip } = await import('node:zlib');
    for await (const entry of readTar(createReadStream(archive).pipe(createGunzip()))) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry.body) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      if (!changed && entry.name.startsWith('blobs/') && bytes.length > 0) {
        bytes[0] = bytes[0]! ^ 0xff;
        changed = true;
      }
      await out.add(entry.name, bytes.length, bytes);
    }
    await out.finish();
    const target = join(root, 'untouched');
    const result = await runCli(['restore', damaged], { LORE_DATA_DIR: target });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/damaged.*checksum/s);
    expect(() => readFileSync(join(target, 'lore.db'))).toThrow();

    const newer = join(root, 'newer.tar');
    const tar = new TarWriter(createWriteStream(newer));
    const header = Buffer.from(
      JSON.stringify({
        format: 'lore-backup',
        formatVersion: 1,
        backend: 'sqlite',
        schemaVersion: 999,
        loreVersion: '9.0.0',
        createdAt: '',
      }),
    );
    await tar.add('lore-backup.json', header.length, header);
    await tar.add(blobMemberName('a'.repeat(64)), 1, new Uint8Array([1]));
    await tar.finish();
    const refused = await runCli(['restore', newer], { LORE_DATA_DIR: target });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/schema version 999, newer than this Lore supports/);
  });
});
