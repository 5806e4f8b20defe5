import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TinyOnnxModel,
  writeTinyOnnxModel,
} from '../../src/adapters/providers/embed/testing/tiny-onnx-model.js';
import { CollectionEmbeddings } from '../../src/core/index-generation/collection-embeddings.service.js';
import { createRoutes } from '../../src/server/app.routes.js';
import { EmbeddingGenerationRunner } from '../../src/worker/embedding-generation.runner.js';
import { createTestApp } from '../fixtures/test-app.js';

const words = ['cats', 'purr', 'softly', 'engines', 'roar', 'loudly', 'rivers', 'flow', 'north', 'in', 'the'];

// Two collections on two local ONNX models; one is switched to the other model while it keeps serving.
describe('per-collection embedding profiles', () => {
  let first: TinyOnnxModel;
  let second: TinyOnnxModel;
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let pets: { id: string; name: string };
  let machines: { id: string; name: string };
  const firstId = 'local-onnx:tiny-first';
  const secondId = 'local-onnx:tiny-second';

  const add = (name: string, text: string, collection: string) =>
    app.ingest.ingest({ bytes: new TextEncoder().encode(text), fileName: name, source: name, collection });
  const denseFiles = async (collectionIds?: string[]) =>
    (
      await app.search.search({
        query: 'purr roar flow',
        mode: 'dense',
        limit: 10,
        ...(collectionIds ? { filter: { collectionIds } } : {}),
      })
    ).hits.map((hit) => hit.document.fileName);
  const runner = () =>
    new EmbeddingGenerationRunner(app.queue, app.generations!, {
      leaseMs: 30_000,
      collections: app.collectionEmbeddings!,
    });

  beforeAll(async () => {
    first = await writeTinyOnnxModel({ name: 'tiny-first', words, dimension: 32 });
    second = await writeTinyOnnxModel({ name: 'tiny-second', words, dimension: 48 });
    app = await createTestApp(
      {
        embedder: 'local-onnx',
        embeddingModelPath: first.folder,
        embeddingProfiles: JSON.stringify({ second: { provider: 'local-onnx', modelPath: second.folder } }),
      },
      { languageModel: null },
    );
    expect((await add('cats.txt', 'cats purr softly', 'pets')).status).toBe('added');
    expect((await add('rivers.txt', 'rivers flow north', 'pets')).status).toBe('added');
    expect((await add('engines.txt', 'engines roar loudly', 'machines')).status).toBe('added');
    pets = (await app.store.getCollectionByName('pets'))!;
    machines = (await app.store.getCollectionByName('machines'))!;
  });

  afterAll(async () => {
    await app?.dispose();
    await first?.cleanup();
    await second?.cleanup();
  });

  it('embeds a collection with its profile and searches both embedders', async () => {
    expect(await app.collectionEmbeddings!.requestChange(machines, 'second')).toBeDefined();
    expect(await runner().drain()).toBe(1);
    expect(await app.store.countVectors(secondId, machines.id)).toBe(1);
    expect(await app.store.countVectors(firstId, machines.id)).toBe(0);
    // New documents in `machines` are embedded with its profile.
    expect((await add('more.txt', 'engines roar in the north', 'machines')).status).toBe('added');
    expect(await app.store.countVectors(secondId, machines.id)).toBe(2);
    expect(await app.store.countVectors(firstId, machines.id)).toBe(0);
    expect((await denseFiles([machines.id])).sort()).toEqual(['engines.txt', 'more.txt']);
    expect((await denseFiles([pets.id])).sort()).toEqual(['cats.txt', 'rivers.txt']);
    expect((await denseFiles()).sort()).toEqual(['cats.txt', 'engines.txt', 'more.txt', 'rivers.txt']);
    const hybrid = await app.search.search({ query: 'engines roar', limit: 4 });
    expect(hybrid.hits.map((hit) => hit.denseRank !== undefined)).toEqual([true, true, true, true]);
    expect(hybrid.hits[0]).toMatchObject({ lexicalRank: 1 });
  });

  it('switches a collection in the background: old vectors serve until the switch, then are dropped', async () => {
    const http = createRoutes(app);
    const patched = await http.request(`/api/v1/collections/${pets.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ embeddingProfile: 'second' }),
    });
    expect(patched.status).toBe(200);
    const body = (await patched.json()) as {
      embedding: { profile: string; embedderId: string; generation: { jobId: string; state: string } };
    };
    expect(body.embedding).toMatchObject({
      profile: 'default',
      embedderId: firstId,
      generation: { embedderId: secondId, state: 'queued' },
    });
    // A partial build (cancelled after one batch) leaves the old generation serving.
    const slow = new CollectionEmbeddings({
      store: app.store,
      queue: app.queue,
      embedderFor: (profile) => app.collectionEmbeddings!.embedder(profile),
      deployment: app.generations!,
      batchSize: 1,
    });
    const stop = new AbortController();
    await expect(
      slow.build(
        { collectionId: pets.id, profile: 'second' },
        { signal: stop.signal, onProgress: (done) => done > 0 && stop.abort() },
      ),
    ).rejects.toThrow(/cancelled/);
    expect(await app.store.countVectors(secondId, pets.id)).toBe(1);
    expect(await app.store.countVectors(firstId, pets.id)).toBe(2);
    expect((await denseFiles([pets.id])).sort()).toEqual(['cats.txt', 'rivers.txt']);
    expect((await denseFiles()).length).toBe(4);

    expect(await runner().drain()).toBe(1);
    const job = await (await http.request(`/api/v1/jobs/${body.embedding.generation.jobId}`)).json();
    expect(job).toMatchObject({ state: 'done', progress: { done: 2, total: 2 } });
    expect(await app.store.countVectors(secondId, pets.id)).toBe(2);
    expect(await app.store.countVectors(firstId, pets.id)).toBe(0);
    expect(await app.store.countVectors(firstId)).toBe(0);
    expect((await denseFiles([pets.id])).sort()).toEqual(['cats.txt', 'rivers.txt']);
    expect((await denseFiles()).length).toBe(4);
    const after = (await (await http.request(`/api/v1/collections/${pets.id}`)).json()) as {
      embedding: unknown;
    };
    expect(after.embedding).toMatchObject({ profile: 'second', embedderId: secondId });
    expect((await app.collectionEmbeddings!.state(pets.id)).retired).toMatchObject({
      embedderId: firstId,
      deletedVectors: 2,
    });
  });

  it('keeps the vectors of a collection whose own profile uses the embedder a deployment switch retires', async () => {
    // `pets` goes back to the default model as its own profile; then the deployment moves to `second`.
    await app.collectionEmbeddings!.requestChange(pets, 'default');
    expect(await runner().drain()).toBe(1);
    expect(await app.store.countVectors(firstId, pets.id)).toBe(2);
    await app.generations!.build({ profile: 'second' });
    expect(await app.store.countVectors(firstId, pets.id)).toBe(2);
    expect((await denseFiles([pets.id])).sort()).toEqual(['cats.txt', 'rivers.txt']);
  });

  it('rejects an unknown profile', async () => {
    const response = await createRoutes(app).request(`/api/v1/collections/${pets.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ embeddingProfile: 'nope' }),
    });
    expect(response.status).toBe(400);
  });
});
