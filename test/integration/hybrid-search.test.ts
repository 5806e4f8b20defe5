import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TinyOnnxModel,
  writeTinyOnnxModel,
} from '../../src/adapters/providers/embed/testing/tiny-onnx-model.js';
import { embeddingText } from '../../src/core/ingest/ingest.service.js';
import { SearchService } from '../../src/core/search/search.service.js';
import type { Reranker } from '../../src/ports/reranker.port.js';
import { createTestApp } from '../fixtures/test-app.js';

const words = ['cats', 'purr', 'softly', 'engines', 'roar', 'loudly', 'rivers', 'flow', 'north', 'in', 'the'];

describe('hybrid retrieval with a local ONNX embedder', () => {
  let model: TinyOnnxModel;
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let other: string;

  beforeAll(async () => {
    model = await writeTinyOnnxModel({ name: 'tiny-hybrid', words, dimension: 64 });
    app = await createTestApp(
      { embedder: 'local-onnx', embeddingModelPath: model.folder, embeddingBatchSize: 2 },
      { languageModel: null },
    );
    const add = (name: string, text: string, collection: string, tags: string[]) =>
      app.ingest.ingest({
        bytes: new TextEncoder().encode(text),
        fileName: name,
        source: name,
        collection,
        tags,
      });
    expect((await add('cats.txt', 'cats purr softly', 'pets', ['animals'])).status).toBe('added');
    expect((await add('engines.txt', 'engines roar loudly', 'machines', [])).status).toBe('added');
    expect((await add('rivers.txt', 'rivers flow north', 'pets', [])).status).toBe('added');
    other = (await app.store.getCollectionByName('machines'))!.id;
  });

  afterAll(async () => {
    await app?.dispose();
    await model?.cleanup();
  });

  it('stores one vector per chunk, recording the embedder id and dimension', async () => {
    expect(app.embedder?.id).toBe('local-onnx:tiny-hybrid');
    const vectors = await app.store.loadVectors(app.embedder!.id);
    expect(vectors.dimension).toBe(64);
    expect(vectors.rowIds.length).toBe(await app.store.countChunks());
    expect((await app.store.loadVectors('another:model')).rowIds.length).toBe(0);
  });

  it('ranks by cosine similarity in dense mode and fuses both rankings in hybrid mode', async () => {
    // The tiny model's vectors carry no meaning, so the expected order is computed from the model
    // itself: what is under test is storage, loading, normalisation and ranking of the vectors.
    const embedder = app.embedder!;
    const [query] = await embedder.embed(['purr north'], 'query');
    const documents = await app.store.listDocuments();
    const expected: { fileName: string; cosine: number }[] = [];
    for (const document of documents) {
      const [row] = (await app.store.chunkChanges()).added.filter(
        (chunk) => chunk.documentId === document.id,
      );
      const [chunk] = await app.store.getChunks([row!.rowId]);
      const [vector] = await embedder.embed([embeddingText(document.title, chunk!)], 'document');
      expected.push({ fileName: document.fileName, cosine: cosine(query!, vector!) });
    }
    expected.sort((a, b) => b.cosine - a.cosine);
    const dense = await app.search.search({ query: 'purr north', mode: 'dense', limit: 3 });
    expect(dense.hits.map((hit) => hit.document.fileName)).toEqual(expected.map((entry) => entry.fileName));
    dense.hits.forEach((hit, index) => {
      expect(hit.score).toBeCloseTo(expected[index]!.cosine, 5);
    });
    expect(dense.hits[0]?.denseRank).toBe(1);
    const hybrid = await app.search.search({ query: 'engines roar', limit: 3 });
    expect(hybrid.mode).toBe('hybrid');
    expect(hybrid.hits[0]).toMatchObject({
      lexicalRank: 1,
      denseRank: 1,
      document: { fileName: 'engines.txt' },
    });
  });

  it('applies filters inside both indexes', async () => {
    for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
      const result = await app.search.search({
        query: 'engines roar',
        mode,
        filter: { collectionIds: [other] },
      });
      expect(
        result.hits.map((hit) => hit.document.fileName),
        mode,
      ).toEqual(['engines.txt']);
      const tagged = await app.search.search({
        query: 'cats engines rivers',
        mode,
        filter: { tags: ['animals'] },
      });
      expect(
        tagged.hits.map((hit) => hit.document.fileName),
        mode,
      ).toEqual(['cats.txt']);
    }
  });

  it('lets a reranker reorder the candidates', async () => {
    const byLength: Reranker = {
      id: 'test:length',
      rerank: async (_query, passages) => passages.map((passage) => passage.length),
    };
    const search = new SearchService({
      store: app.store,
      lexical: app.lexical,
      reranker: byLength,
      fusion: { k: 60, lexicalWeight: 1, denseWeight: 1 },
    });
    const result = await search.search({ query: 'cats engines rivers', mode: 'lexical', limit: 3 });
    const lengths = result.hits.map((hit) => hit.score);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
  });
});

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(normA * normB);
}
