import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TinyOnnxModel,
  writeTinyOnnxModel,
} from '../../src/adapters/providers/embed/testing/tiny-onnx-model.js';
import { createApp, type LoreApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';

const words = [
  'cats',
  'purr',
  'softly',
  'engines',
  'roar',
  'loudly',
  'rivers',
  'flow',
  'north',
  'secret',
  'plans',
];

/** A real app on the embedded store with the local ONNX embedder, its log lines collected. */
async function openApp(dataDir: string, model: TinyOnnxModel, vectorIndex = 'hnsw') {
  const lines: { msg: string; rows?: number; caughtUpRows?: number }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).trim().split('\n')) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig(
    {},
    // Exact-up-to 0: these small corpora would otherwise be searched exactly, not through HNSW.
    {
      dataDir,
      embedder: 'local-onnx',
      embeddingModelPath: model.folder,
      vectorIndex,
      vectorIndexExactUpTo: 0,
      databaseUrl: '',
    },
  );
  const app = await createApp(config, { languageModel: null, logger: pino({ level: 'info' }, sink) });
  return { app, lines };
}

const add = (app: LoreApp, name: string, text: string, collection: string) =>
  app.ingest.ingest({ bytes: new TextEncoder().encode(text), fileName: name, source: name, collection });

describe('embedded dense search over the persisted HNSW index (real app, SQLite)', () => {
  let model: TinyOnnxModel;
  let dataDir: string;

  beforeAll(async () => {
    model = await writeTinyOnnxModel({ name: 'tiny-ann', words, dimension: 32 });
    dataDir = mkdtempSync(join(tmpdir(), 'lore-ann-app-'));
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await model?.cleanup();
  });

  it('builds once, is opened (not rebuilt) after a restart, and a deleted document never returns', async () => {
    const first = await openApp(dataDir, model);
    expect((await add(first.app, 'cats.txt', 'cats purr softly', 'pets')).status).toBe('added');
    expect((await add(first.app, 'engines.txt', 'engines roar loudly', 'machines')).status).toBe('added');
    expect((await add(first.app, 'plans.txt', 'secret plans', 'vault')).status).toBe('added');
    const dense = await first.app.search.search({ query: 'engines roar', mode: 'dense', limit: 3 });
    expect(dense.hits.map((hit) => hit.document.fileName)).toContain('engines.txt');
    expect(first.lines.filter((line) => line.msg === 'vector index built')).toHaveLength(1);
    // Ingested after the build: caught up from the change log, not rebuilt.
    expect((await add(first.app, 'rivers.txt', 'rivers flow north', 'pets')).status).toBe('added');
    const rivers = await first.app.search.search({ query: 'rivers flow north', mode: 'dense', limit: 1 });
    expect(rivers.hits[0]?.document.fileName).toBe('rivers.txt');
    await first.app.close();
    expect(readdirSync(join(dataDir, 'vectors'))).toContain('local-onnx_tiny-ann.manifest.json');

    const second = await openApp(dataDir, model);
    const again = await second.app.search.search({ query: 'cats purr', mode: 'dense', limit: 4 });
    expect(again.hits).toHaveLength(4);
    expect(second.lines.map((line) => line.msg)).toContain('vector index opened');
    expect(second.lines.map((line) => line.msg)).not.toContain('vector index built');
    expect(second.lines.find((line) => line.msg === 'vector index opened')).toMatchObject({
      rows: 4,
      caughtUpRows: 0,
    });

    const engines = (await second.app.store.listDocuments()).find((d) => d.fileName === 'engines.txt')!;
    await second.app.ingest.remove(engines.id);
    for (const mode of ['dense', 'hybrid'] as const) {
      const result = await second.app.search.search({ query: 'engines roar loudly', mode, limit: 10 });
      expect(result.hits.map((hit) => hit.document.fileName)).not.toContain('engines.txt');
    }
    await second.app.close();
  });

  it('never returns a chunk of a collection outside the filter (the readable set access control passes)', async () => {
    const { app } = await openApp(dataDir, model);
    const vault = (await app.store.getCollectionByName('vault'))!.id;
    const pets = (await app.store.getCollectionByName('pets'))!.id;
    for (const mode of ['dense', 'hybrid'] as const) {
      const result = await app.search.search({
        query: 'secret plans',
        mode,
        limit: 10,
        filter: { collectionIds: [pets] },
      });
      expect(result.hits.length).toBeGreaterThan(0);
      expect(result.hits.every((hit) => hit.document.collectionId === pets)).toBe(true);
      expect(result.hits.some((hit) => hit.document.collectionId === vault)).toBe(false);
    }
    await app.close();
  });

  it('LORE_VECTOR_INDEX=exact keeps the flat scan and writes no index file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lore-ann-exact-'));
    try {
      const { app } = await openApp(folder, model, 'exact');
      expect((await add(app, 'cats.txt', 'cats purr softly', 'pets')).status).toBe('added');
      const dense = await app.search.search({ query: 'cats purr', mode: 'dense', limit: 1 });
      expect(dense.hits[0]?.document.fileName).toBe('cats.txt');
      await app.close();
      expect(existsSync(join(folder, 'vectors'))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
