import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { LexicalIndex } from '../../src/core/search/lexical-index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'lore-sync-index-'));
const open = () => createApp(loadConfig({}, { dataDir }), { embedder: null, languageModel: null });

const writer = await open();
const reader = await open();

describe('the in-memory lexical index follows changes made by another process', () => {
  afterAll(async () => {
    await writer.close();
    await reader.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const write = (source: string, text: string) =>
    writer.ingest.ingest({
      bytes: new TextEncoder().encode(text),
      fileName: source,
      source,
      collection: 'c',
    });
  const files = async (query: string) =>
    (await reader.search.search({ query, limit: 50 })).hits.map((hit) => hit.document.fileName);

  it('sees additions, replacements and deletions without a restart', async () => {
    await write('a.txt', 'the zebra crossing is painted white');
    expect(await files('zebra')).toEqual(['a.txt']);
    await write('a.txt', 'the pelican crossing has lights');
    expect(await files('zebra')).toEqual([]);
    expect(await files('pelican')).toEqual(['a.txt']);
    const document = await writer.store.findDocumentBySource(
      (await writer.store.getCollectionByName('c'))!.id,
      'a.txt',
    );
    await writer.ingest.remove(document!.id);
    expect(await files('pelican')).toEqual([]);
  });

  it('rebuilds itself after many deletions and keeps answering correctly', async () => {
    for (let i = 0; i < 40; i++) await write(`n${i}.txt`, `note number ${i} about gardening`);
    expect(await files('gardening')).toHaveLength(40);
    for (let i = 0; i < 30; i++) {
      const collection = (await writer.store.getCollectionByName('c'))!;
      const document = await writer.store.findDocumentBySource(collection.id, `n${i}.txt`);
      await writer.ingest.remove(document!.id);
    }
    expect((await files('gardening')).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `n${i + 30}.txt`).sort(),
    );
    await write('late.txt', 'late gardening note');
    expect(await files('gardening')).toHaveLength(11);
    expect((reader.lexical as LexicalIndex).size).toBe(11);
  });

  it('scores exactly like a freshly loaded index after replacements and deletions', async () => {
    for (let i = 0; i < 6; i++)
      await write(`s${i}.txt`, `harbour tide table ${'word '.repeat(i)}number ${i}`);
    await files('harbour');
    for (let i = 0; i < 3; i++) await write(`s${i}.txt`, `harbour storm warning ${'other '.repeat(i * 2)}`);
    const collection = (await writer.store.getCollectionByName('c'))!;
    await writer.ingest.remove((await writer.store.findDocumentBySource(collection.id, 's4.txt'))!.id);
    const fresh = await open();
    try {
      for (const query of ['harbour', 'tide table', 'storm warning', 'number']) {
        const scores = async (app: typeof reader) =>
          (await app.search.search({ query, limit: 20 })).hits.map(
            (hit) => `${hit.chunk.id}:${hit.score.toFixed(9)}`,
          );
        expect(await scores(reader)).toEqual(await scores(fresh));
      }
    } finally {
      await fresh.close();
    }
  });
});
