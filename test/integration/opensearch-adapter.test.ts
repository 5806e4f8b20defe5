import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TinyOnnxModel,
  writeTinyOnnxModel,
} from '../../src/adapters/providers/embed/testing/tiny-onnx-model.js';
import { OpenSearchEngine } from '../../src/adapters/search/opensearch/opensearch-engine.js';
import { LexicalIndex } from '../../src/core/search/lexical-index.js';
import { VectorIndex } from '../../src/core/search/vector-index.js';
import { vectorsByRow } from '../../src/core/search/vector-rows.js';
import { analyze } from '../../src/core/text/analyzer.js';
import { serveLore } from '../fixtures/http-server.js';
import { type OpenSearchReplay, startOpenSearchReplay } from '../fixtures/opensearch/replay-server.js';
import { createTestApp } from '../fixtures/test-app.js';

// The OpenSearch adapter end to end against the replay server (test/fixtures/opensearch/README.md):
// `lore reindex` from a real SQLite store, searches through the REST API with LORE_SEARCH_URL set,
// the access filter inside every retrieval request, additions and deletions followed from the
// change log, and rankings equal to Lore's own retrievers over the same chunks.

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
  'zebra',
];

type Body = Record<string, unknown>;
/** Retrieval requests (BM25 or k-NN), as opposed to the indexer's own bookkeeping searches. */
const retrievals = (replay: OpenSearchReplay) =>
  replay
    .searches()
    .filter(({ body }) => {
      const query = body.query as Body | undefined;
      return Boolean(query?.knn || (query?.bool as Body | undefined)?.must);
    })
    .map(({ body }) => body);
/** The collection ids a retrieval request restricts to, from wherever the adapter put the filter. */
const filteredCollections = (body: Body): string[] | undefined => {
  const query = body.query as Body;
  const knn = query.knn ? (Object.values(query.knn as Body)[0] as Body) : undefined;
  const filters = (
    knn ? ((knn.filter as Body | undefined)?.bool as Body | undefined)?.filter : (query.bool as Body).filter
  ) as Body[] | undefined;
  const clause = filters?.find((filter) => (filter.terms as Body | undefined)?.collectionId);
  return clause ? ((clause.terms as Body).collectionId as string[]) : undefined;
};

describe('OpenSearch retriever and indexer (replay server)', () => {
  let model: TinyOnnxModel;
  let replay: OpenSearchReplay;
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let server: Awaited<ReturnType<typeof serveLore>>;
  let ann: string;
  let admin: string;
  let pets: string;
  let vault: string;

  const add = (name: string, text: string, collection: string, tags: string[] = []) =>
    app.ingest.ingest({
      bytes: new TextEncoder().encode(text),
      fileName: name,
      source: name,
      collection,
      tags,
    });
  const search = async (key: string, q: string, mode = 'hybrid') => {
    const response = await fetch(
      `${server.url}/api/v1/search?q=${encodeURIComponent(q)}&limit=10&mode=${mode}`,
      {
        headers: { authorization: `Bearer ${key}` },
      },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      hits: { document: { fileName: string; collectionId: string } }[];
    };
    return body.hits.map((hit) => hit.document.fileName);
  };

  beforeAll(async () => {
    model = await writeTinyOnnxModel({ name: 'tiny-opensearch', words, dimension: 16 });
    replay = await startOpenSearchReplay();
    app = await createTestApp(
      {
        userManagement: 'on',
        embedder: 'local-onnx',
        embeddingModelPath: model.folder,
        searchUrl: replay.origin,
        searchReplicas: 0,
      },
      { languageModel: null },
    );
    // Written before any search: the index is built from the database afterwards (`lore reindex`).
    expect((await add('cats.txt', 'cats purr softly', 'pets', ['animals'])).status).toBe('added');
    expect((await add('rivers.txt', 'rivers flow north', 'pets')).status).toBe('added');
    expect((await add('vault.txt', 'secret zebra engines roar loudly', 'vault')).status).toBe('added');
    pets = (await app.store.getCollectionByName('pets'))!.id;
    vault = (await app.store.getCollectionByName('vault'))!.id;
    server = await serveLore(app);
    const annUser = await app.identity.createUser({ email: 'ann@example.com', name: 'ann', role: 'member' });
    const adminUser = await app.identity.createUser({
      email: 'root@example.com',
      name: 'root',
      role: 'admin',
    });
    await app.accessStore.setCollectionOwner(pets, annUser.id);
    await app.accessStore.setCollectionOwner(vault, adminUser.id);
    ann = (await server.kit.apiKeys.create(annUser, { name: 'ann', scopes: ['read'] })).secret;
    admin = (await server.kit.apiKeys.create(adminUser, { name: 'root', scopes: ['read', 'admin'] })).secret;
  });

  afterAll(async () => {
    await server?.close();
    await app?.dispose();
    await replay?.close();
    await model?.cleanup();
  });

  it('builds the index from the database: mapping, bulk load, alias swap, cursor', async () => {
    const engine = app.searchEngine!;
    expect((await engine.health()).status).toBe('green');
    const first = await engine.rebuild();
    const chunks = await app.store.countChunks();
    expect(first).toMatchObject({ chunks, vectors: chunks, removedIndexes: [] });
    expect(first.alias).toMatch(/^lore-chunks-local-onnx-tiny-opensearch-[0-9a-f]{8}$/);
    expect(replay.aliases.get(first.alias)).toBe(first.index);
    const index = replay.indexes.get(first.index)!;
    expect(index.docs.size).toBe(chunks);
    expect(index.properties.vector).toMatchObject({ type: 'knn_vector', dimension: 16 });
    expect(index.properties.body).toMatchObject({
      type: 'text',
      analyzer: 'whitespace',
      similarity: 'lore_bm25',
    });
    expect(index.settings.index?.similarity?.lore_bm25).toEqual({
      type: 'BM25',
      k1: app.config.bm25K1,
      b: app.config.bm25B,
    });
    // The indexed body is Lore's analysed terms, so OpenSearch's BM25 sees Lore's tokens.
    const cats = [...index.docs.values()].find((doc) => String(doc.body).includes('purr'))!;
    expect(String(cats.body).split(' ')).toEqual(expect.arrayContaining(analyze('cats purr softly')));
    const bulks = replay.requests.filter((request) => request.path.startsWith('/_bulk'));
    expect(bulks.length).toBeGreaterThan(0);
    expect(bulks[0]!.headers['content-type']).toContain('application/x-ndjson');

    // A second build swaps the alias onto a new index and drops the old one.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await engine.rebuild();
    expect(second.index).not.toBe(first.index);
    expect(second.removedIndexes).toEqual([first.index]);
    expect(replay.indexes.has(first.index)).toBe(false);
    expect(replay.aliases.get(second.alias)).toBe(second.index);
  });

  it('keeps every retrieval inside the caller’s readable collections', async () => {
    const sentDuring = async (run: () => Promise<unknown>) => {
      const before = retrievals(replay).length;
      await run();
      return retrievals(replay).slice(before);
    };
    const annSent = [
      // Hybrid answers nearest neighbours too, but never one of the vault's chunks.
      ...(await sentDuring(async () =>
        expect(await search(ann, 'secret zebra engines')).not.toContain('vault.txt'),
      )),
      ...(await sentDuring(async () =>
        expect(await search(ann, 'secret zebra engines', 'lexical')).toEqual([]),
      )),
      ...(await sentDuring(async () => expect(await search(ann, 'cats purr')).toContain('cats.txt'))),
      ...(await sentDuring(async () =>
        expect(await search(ann, 'rivers', 'lexical')).toEqual(['rivers.txt']),
      )),
    ];
    const adminSent = await sentDuring(async () =>
      expect(await search(admin, 'secret zebra engines')).toContain('vault.txt'),
    );
    // Both kinds of retrieval went out, and every one of Ann's carries exactly her collection.
    expect(annSent.filter((body) => (body.query as Body).knn).length).toBeGreaterThanOrEqual(2);
    expect(annSent.filter((body) => !(body.query as Body).knn).length).toBeGreaterThanOrEqual(4);
    expect(annSent.map(filteredCollections)).toEqual(annSent.map(() => [pets]));
    // The administrator reads every collection: no collection clause at all.
    expect(adminSent.length).toBeGreaterThanOrEqual(2);
    expect(adminSent.map(filteredCollections)).toEqual(adminSent.map(() => undefined));
  });

  it('resolves document, tag and date filters into document ids inside the query', async () => {
    const filter = await app.access.readFilter({ kind: 'local', scopes: ['read'] } as never, {
      collectionIds: [pets],
      tags: ['animals'],
    });
    const result = await app.search.search({ query: 'cats rivers', filter, mode: 'hybrid', limit: 10 });
    expect(result.hits.map((hit) => hit.document.fileName)).toEqual(['cats.txt']);
    const last = retrievals(replay).slice(-2);
    for (const body of last) expect(JSON.stringify(body)).toContain('"documentId"');
  });

  it('follows additions and deletions from the change log', async () => {
    const alias = (await app.searchEngine!.rebuild()).alias;
    expect((await add('more.txt', 'cats roar north', 'pets')).status).toBe('added');
    expect(await search(ann, 'roar north', 'lexical')).toContain('more.txt');
    const more = await app.store.findDocumentBySource(pets, 'more.txt');
    const rowIds = (await app.store.listDocumentChunks(more!.id)).map((chunk) => chunk.id);
    const index = replay.indexes.get(replay.aliases.get(alias)!)!;
    for (const rowId of rowIds) expect(index.docs.get(String(rowId))?.vector).toHaveLength(16);
    await app.ingest.remove(more!.id);
    expect(await search(ann, 'roar north', 'lexical')).not.toContain('more.txt');
    expect(await search(ann, 'roar north', 'dense')).not.toContain('more.txt');
    for (const rowId of rowIds) expect(index.docs.has(String(rowId))).toBe(false);
    const deletes = replay.requests
      .filter((request) => request.path.startsWith('/_bulk'))
      .flatMap((request) => request.body.split('\n').filter((line) => line.includes('"delete"')));
    expect(deletes.length).toBeGreaterThanOrEqual(rowIds.length);
    // The cursor is kept in OpenSearch, so another process starts where this one stopped.
    const state = replay.indexes.get('lore-lore-state')!.docs.get(alias)!;
    expect((state.cursor as { lastDeletionId: number }).lastDeletionId).toBeGreaterThan(0);
  });

  it('ranks as Lore’s own retrievers do over the same chunks', async () => {
    const bm25 = {
      k1: app.config.bm25K1,
      b: app.config.bm25B,
      fieldWeights: { title: app.config.bm25TitleWeight, body: 1 },
    };
    const reference = new LexicalIndex(app.store, bm25);
    for (const query of ['cats purr', 'rivers flow north', 'secret engines cats']) {
      const terms = analyze(query);
      const expected = await reference.search(terms, 10, undefined, terms.slice(0, 1));
      const actual = await app.lexical.search(terms, 10, undefined, terms.slice(0, 1));
      expect(actual.map((hit) => hit.rowId)).toEqual(expected.map((hit) => hit.rowId));
      actual.forEach((hit, at) => {
        expect(hit.score).toBeCloseTo(expected[at]!.score, 6);
        expect(hit.coverage).toBeCloseTo(expected[at]!.coverage, 6);
      });
      for (const term of terms) expect(app.lexical.idf(term)).toBeCloseTo(reference.idf(term), 6);
    }
    const embedder = app.embedder!;
    const dense = app.searchEngine!.dense(embedder);
    const flat = new VectorIndex(app.store, embedder);
    const [vector] = await embedder.embed(['purr north'], 'query');
    const expected = await flat.search(vector!, 5);
    const actual = await dense.search(vector!, 5);
    expect(actual.map((hit) => hit.rowId)).toEqual(expected.map((hit) => hit.rowId));
    actual.forEach((hit, at) => {
      expect(hit.score).toBeCloseTo(expected[at]!.score, 5);
    });
  });

  it('reports an unreachable cluster as storage_unavailable naming it', async () => {
    const engine = OpenSearchEngine.connect(
      app.store,
      {
        connection: { url: 'http://127.0.0.1:9', requestTimeoutMs: 2_000 },
        indexPrefix: 'lore',
        bm25: { k1: 0.9, b: 0.4, fieldWeights: { body: 1 } },
        efSearch: 100,
      },
      () => undefined,
    );
    await expect(engine.lexical.search(['cats'], 5)).rejects.toMatchObject({
      code: 'storage_unavailable',
      message: expect.stringContaining('http://127.0.0.1:9'),
    });
    await engine.close();
  });
  const engineOn = (url: string, extra: Record<string, unknown> = {}) =>
    OpenSearchEngine.connect(
      app.store,
      {
        connection: { url, ...extra },
        indexPrefix: 'side',
        bm25: { k1: 0.9, b: 0.4, fieldWeights: { title: 1, body: 1 } },
        efSearch: 100,
        replicas: 0,
        vectorSweepMs: 0,
      },
      () => app.embedder,
    );

  it('signs requests with AWS SigV4 when a region is set, and sends basic auth from the URL', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    const signed = engineOn(replay.origin, { awsRegion: 'eu-west-1', awsService: 'es' });
    try {
      expect((await signed.health()).status).toBe('green');
      const request = replay.requests.at(-1)!;
      expect(request.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
      );
      expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    } finally {
      await signed.close();
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
    const basic = engineOn(replay.origin.replace('http://', 'http://lore:s3cret@'));
    try {
      await basic.health();
      expect(replay.requests.at(-1)!.headers.authorization).toBe(
        `Basic ${Buffer.from('lore:s3cret').toString('base64')}`,
      );
    } finally {
      await basic.close();
    }
  });

  it('follows a rebuild made by another process and applies what changed since to the new build', async () => {
    expect(await search(ann, 'cats', 'lexical')).toContain('cats.txt');
    const bm25 = {
      k1: app.config.bm25K1,
      b: app.config.bm25B,
      fieldWeights: { title: app.config.bm25TitleWeight, body: 1 },
    };
    const other = OpenSearchEngine.connect(
      app.store,
      { connection: { url: replay.origin }, indexPrefix: 'lore', bm25, efSearch: 100, replicas: 0 },
      () => app.embedder,
    );
    try {
      const rebuilt = await other.rebuild();
      expect((await add('after.txt', 'zebra purr', 'pets')).status).toBe('added');
      expect(await search(ann, 'zebra purr', 'lexical')).toContain('after.txt');
      const after = await app.store.findDocumentBySource(pets, 'after.txt');
      const [chunk] = await app.store.listDocumentChunks(after!.id);
      expect(replay.aliases.get(rebuilt.alias)).toBe(rebuilt.index);
      expect(replay.indexes.get(rebuilt.index)!.docs.has(String(chunk!.id))).toBe(true);
      // The serving process stored its cursor on top of the build's state (seq_no checked).
      const state = replay.indexes.get('lore-lore-state')!.docs.get(rebuilt.alias)!;
      expect((state.cursor as { lastRowId: number }).lastRowId).toBe(chunk!.id);
    } finally {
      await other.close();
    }
  });

  it('the replay server enforces if_seq_no, as the cursor write relies on (version conflict)', async () => {
    const alias = [...replay.aliases.keys()].find((name) => name.startsWith('lore-chunks-local-onnx'))!;
    const response = await fetch(
      `${replay.origin}/lore-lore-state/_doc/${alias}?if_seq_no=0&if_primary_term=1`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe(
      'version_conflict_engine_exception',
    );
  });

  it('adds vectors that reach the store after their chunks were indexed (a backfill)', async () => {
    const embedder = app.embedder!;
    expect((await add('late.txt', 'zebra flow softly', 'late')).status).toBe('added');
    const late = (await app.store.getCollectionByName('late'))!.id;
    const document = await app.store.findDocumentBySource(late, 'late.txt');
    const rowIds = (await app.store.listDocumentChunks(document!.id)).map((chunk) => chunk.id);
    const saved = await app.store.loadVectorsOf(embedder.id, rowIds);
    expect(saved.rowIds.length).toBe(rowIds.length);
    await app.store.deleteVectors(embedder.id, late);
    const side = engineOn(replay.origin);
    try {
      const built = await side.rebuild();
      const index = replay.indexes.get(built.index)!;
      for (const rowId of rowIds) expect(index.docs.get(String(rowId))?.vector).toBeUndefined();
      const dense = side.dense(embedder);
      const [query] = await embedder.embed(['zebra flow softly'], 'query');
      expect(await dense.search(query!, 5, { collectionIds: [late] })).toEqual([]);
      // The backfill writes vectors without moving the change token; the sweep still finds them.
      await app.store.putVectors(
        embedder.id,
        16,
        [...vectorsByRow(saved)].map(([rowId, vector]) => ({ rowId, vector })),
      );
      const hits = await dense.search(query!, 5, { collectionIds: [late] });
      expect(hits.map((hit) => hit.rowId).sort()).toEqual([...rowIds].sort());
      for (const rowId of rowIds) expect(index.docs.get(String(rowId))?.vector).toHaveLength(16);
    } finally {
      await side.close();
    }
  });
});
