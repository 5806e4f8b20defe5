import { describe, expect, it } from 'vitest';
import { StructureChunker } from '../../adapters/chunk/structure.chunker.js';
import { openDatabase } from '../../adapters/store/sqlite/database.js';
import { SqliteQueue } from '../../adapters/store/sqlite/sqlite.queue.js';
import { SqliteStore } from '../../adapters/store/sqlite/sqlite.store.js';
import type { Embedder } from '../../ports/embedder.port.js';
import type { DocumentWrite } from '../../ports/store.port.js';
import { EmbeddingGenerationRunner } from '../../worker/embedding-generation.runner.js';
import { IngestService } from '../ingest/ingest.service.js';
import { ActiveEmbedder, EmbeddingGenerations } from './embedding-generations.service.js';

/** A deterministic embedder: [length, profile marker]. */
function fakeEmbedder(id: string, marker: number, calls: string[][] = []): Embedder {
  return {
    id,
    maxBatchSize: 100,
    dimension: async () => 2,
    embed: async (texts) => {
      calls.push([...texts]);
      return texts.map((text) => new Float32Array([text.length, marker]));
    },
  };
}

function writeOf(collectionId: string, source: string, texts: string[], embedder: Embedder): DocumentWrite {
  const text = texts.join('\n\n');
  let offset = 0;
  return {
    document: {
      collectionId,
      source,
      fileName: source,
      title: source,
      format: 'text',
      contentHash: source,
      byteSize: text.length,
      warnings: [],
      tags: [],
      parserVersion: 'text@1',
      chunkerVersion: 'c@1',
    },
    parsed: { format: 'text', text, blocks: [], warnings: [], parserVersion: 'text@1' },
    chunks: texts.map((chunkText, ordinal) => {
      const start = text.indexOf(chunkText, offset);
      offset = start + chunkText.length;
      return { ordinal, start, end: offset, text: chunkText, context: '', tokenCount: 2 };
    }),
    terms: texts.map((chunkText) => ({ title: [source], body: chunkText.split(' ') })),
    vectors: { embedderId: embedder.id, dimension: 2, values: texts.map(() => new Float32Array([1, 1])) },
  };
}

describe('embedding index generations', () => {
  it('builds the new generation in the background, switches atomically, then drops the old one', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteStore(db);
    const queue = new SqliteQueue(db);
    const oldEmbedder = fakeEmbedder('test:old', 1);
    const calls: string[][] = [];
    const newEmbedder = fakeEmbedder('test:new', 2, calls);
    const profiles: Record<string, Embedder> = { default: oldEmbedder, multilingual: newEmbedder };
    const generations = new EmbeddingGenerations({
      store,
      queue,
      embedderFor: (p) => profiles[p]!,
      batchSize: 2,
    });
    const collection = await store.ensureCollection('docs');
    await store.writeDocument(
      writeOf(collection.id, 'a.txt', ['alpha one', 'alpha two', 'alpha three'], oldEmbedder),
    );
    await store.writeDocument(writeOf(collection.id, 'b.txt', ['beta'], oldEmbedder));

    expect((await generations.reconcile('default')).active).toMatchObject({
      profile: 'default',
      embedderId: 'test:old',
    });
    const active = new ActiveEmbedder(generations, (p) => profiles[p], oldEmbedder, 0);

    // Changing the profile queues a build; the old generation keeps serving meanwhile.
    const state = await generations.reconcile('multilingual');
    expect(state.active?.embedderId).toBe('test:old');
    expect(state.building).toMatchObject({
      profile: 'multilingual',
      embedderId: 'test:new',
      done: 0,
      total: 4,
    });
    expect((await active.pin()).id).toBe('test:old');
    expect(await generations.requestBuild('multilingual')).toMatchObject({ id: state.building?.jobId });

    const progress: string[] = [];
    const runner = new EmbeddingGenerationRunner(queue, generations, {
      leaseMs: 60_000,
      onProgress: (done, total) => progress.push(`${done}/${total}`),
    });
    expect(await runner.drain()).toBe(1);

    expect(progress).toEqual(['0/4', '2/4', '4/4', '4/4']);
    expect(calls.map((batch) => batch.length)).toEqual([2, 2]);
    expect(calls[0]?.[0]).toBe('a.txt\nalpha one');
    const after = await generations.state();
    expect(after.active).toMatchObject({ profile: 'multilingual', embedderId: 'test:new' });
    expect(after.building).toBeUndefined();
    expect(after.retired[0]).toMatchObject({ embedderId: 'test:old', deletedVectors: 4 });
    expect(await store.countVectors('test:old')).toBe(0);
    expect((await store.loadVectors('test:new')).rowIds).toHaveLength(4);
    expect((await active.pin()).id).toBe('test:new');
    expect(await active.embed(['q'], 'query')).toEqual([new Float32Array([1, 2])]);
    expect((await queue.counts()).done).toBe(1);
    await store.close();
  });

  it('drops the old generation when the build is resumed after dying between the switch and the drop', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteStore(db);
    const queue = new SqliteQueue(db);
    const oldEmbedder = fakeEmbedder('test:old', 1);
    const newEmbedder = fakeEmbedder('test:new', 2);
    const profiles: Record<string, Embedder> = { default: oldEmbedder, multilingual: newEmbedder };
    const collection = await store.ensureCollection('docs');
    await store.writeDocument(writeOf(collection.id, 'a.txt', ['alpha one', 'alpha two'], oldEmbedder));
    // The first run's process "dies" while deleting the old vectors (after the switch was written).
    let crashes = 1;
    const crashingStore = Object.create(store) as SqliteStore;
    crashingStore.deleteVectors = async (embedderId, collectionId) => {
      if (crashes-- > 0) throw new Error('killed');
      return store.deleteVectors(embedderId, collectionId);
    };
    const generations = new EmbeddingGenerations({
      store: crashingStore,
      queue,
      embedderFor: (p) => profiles[p]!,
    });
    await generations.reconcile('default');
    await generations.reconcile('multilingual');
    await expect(generations.build({ profile: 'multilingual' })).rejects.toThrow('killed');
    const between = await generations.state();
    expect(between.active?.embedderId).toBe('test:new');
    expect(between.retiring).toMatchObject({ embedderId: 'test:old' });
    expect(await store.countVectors('test:old')).toBe(2);

    // The job is claimed again after its lease expires: the resumed build finishes the drop.
    const after = await generations.build({ profile: 'multilingual' });
    expect(await store.countVectors('test:old')).toBe(0);
    expect(after.retiring).toBeUndefined();
    expect(after.retired[0]).toMatchObject({ embedderId: 'test:old', deletedVectors: 2 });
    await store.close();
  });

  it('re-embeds a document whose embedding straddled a switch (written after the final sweep)', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteStore(db);
    const queue = new SqliteQueue(db);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started: () => void = () => undefined;
    const embedding = new Promise<void>((resolve) => {
      started = resolve;
    });
    const old = fakeEmbedder('test:old', 1);
    const slowOld: Embedder = {
      ...old,
      embed: async (texts, purpose) => {
        started();
        await gate;
        return old.embed(texts, purpose);
      },
    };
    const profiles: Record<string, Embedder> = {
      default: slowOld,
      multilingual: fakeEmbedder('test:new', 2),
    };
    const generations = new EmbeddingGenerations({ store, queue, embedderFor: (p) => profiles[p]! });
    await generations.reconcile('default');
    const ingest = new IngestService({
      store,
      blobs: {
        put: async () => 'x',
        putFile: async () => 'x',
        get: async () => new Uint8Array(),
        has: async () => true,
        delete: async () => undefined,
        keys: async function* () {},
      },
      parsing: {
        parse: async ({ bytes }) => {
          const text = new TextDecoder().decode(bytes);
          return {
            format: 'text',
            text,
            blocks: [{ kind: 'paragraph', text, start: 0, end: text.length }],
            warnings: [],
            parserVersion: 'text@1',
          };
        },
        close: async () => undefined,
      },
      chunker: new StructureChunker(),
      embedder: new ActiveEmbedder(generations, (p) => profiles[p], slowOld, 60_000),
      options: {
        maxTokens: 64,
        overlapTokens: 0,
        maxFileBytes: 1_000_000,
        maxPages: 10,
        keepOriginals: false,
      },
    });
    const ingesting = ingest.ingest({
      bytes: new TextEncoder().encode('tide tables for the harbour office'),
      fileName: 'late.txt',
      source: 'late.txt',
      collection: 'docs',
    });
    await embedding;
    // The switch to the new generation completes (sweep and drop included) while late.txt embeds.
    await generations.reconcile('multilingual');
    await generations.build({ profile: 'multilingual' });
    expect((await generations.state()).active?.embedderId).toBe('test:new');
    release();
    expect((await ingesting).status).toBe('added');
    expect(await store.countVectors('test:old')).toBe(0);
    expect(await store.countVectors('test:new')).toBe(await store.countChunks());
    await store.close();
  });
});
