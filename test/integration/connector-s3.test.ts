import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Connector } from '../../src/adapters/connectors/s3.connector.js';
import { type S3TestServer, startS3TestServer } from '../../src/adapters/testing/s3-test-server.js';
import type {
  ConnectorDefinition,
  S3ConnectorSettings,
} from '../../src/core/connectors/connector.records.js';
import { ConnectorSyncService } from '../../src/core/connectors/connector-sync.service.js';
import { createTestApp } from '../fixtures/test-app.js';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type S3Definition = Extract<ConnectorDefinition, { kind: 's3' }>;
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

/**
 * S3 connector through the real `@aws-sdk/client-s3` against a local server replaying S3's wire
 * format (src/adapters/blob/__fixtures__/README.md says which pages the shapes come from).
 */
describe('S3 connector sync (S3 wire format, real AWS SDK client)', () => {
  let server: S3TestServer;
  let app: TestApp;
  let sync: ConnectorSyncService;
  const put = (key: string, text: string) => {
    const body = Buffer.from(text);
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    server.objects.set(`corpus/${key}`, { body, etag, modified: new Date() });
  };
  const define = async (name: string, s3: S3ConnectorSettings): Promise<S3Definition> => {
    const collection = await app.store.ensureCollection(name);
    const definition: S3Definition = {
      id: randomUUID(),
      name,
      kind: 's3',
      s3,
      collectionId: collection.id,
      intervalMinutes: 0,
      createdAt: new Date().toISOString(),
    };
    await app.connectors.create(definition);
    return definition;
  };
  const sources = async (definition: ConnectorDefinition) =>
    (await app.store.listDocuments({ collectionId: definition.collectionId }))
      .map((document) => document.source)
      .sort();

  beforeAll(async () => {
    // Two keys per ListObjectsV2 page, so every run pages with continuation tokens.
    server = await startS3TestServer({ maxKeys: 2, buckets: ['corpus'], denied: ['locked'] });
    app = await createTestApp();
    // The app's own service with a connector that talks to the test server with test credentials.
    sync = new ConnectorSyncService({
      store: app.store,
      ingest: app.ingest,
      connectors: app.connectors,
      maxItemBytes: 1_000,
      open: (definition) => {
        if (definition.kind !== 's3') throw new Error('s3 only');
        return new S3Connector({
          settings: definition.s3,
          defaultRegion: 'eu-west-1',
          defaultEndpoint: server.endpoint,
          credentials,
        });
      },
    });
  });
  afterAll(async () => {
    await app?.dispose();
    await server?.close();
  });

  it('adds, re-indexes changed objects, removes deleted ones; bad objects fail alone', async () => {
    put('handbook/a.md', '# Apricots\n\nApricots grow on the south wall.');
    put('handbook/b.txt', 'Bananas are kept in the dark room.');
    put('handbook/sub/c.csv', 'fruit,count\ncherry,12\n');
    put('handbook/folder/', '');
    put('handbook/broken.docx', 'PK this is not a zip');
    put('handbook/huge.txt', 'x'.repeat(2_000));
    put('elsewhere/d.txt', 'Dates are outside the prefix.');
    const definition = await define('bucket-handbook', { bucket: 'corpus', prefix: 'handbook/' });
    const first = await sync.run(definition, { trigger: 'test' });
    expect(first).toMatchObject({ state: 'done', seen: 5, added: 3, failed: 2, removed: 0 });
    expect(first?.failures.map((failure) => [failure.key, failure.code])).toEqual([
      ['broken.docx', 'file_corrupt'],
      ['huge.txt', 'file_too_large'],
    ]);
    expect(first?.failures[1]?.message).toContain('huge.txt');
    expect(await sources(definition)).toEqual([
      's3://corpus/handbook/a.md',
      's3://corpus/handbook/b.txt',
      's3://corpus/handbook/sub/c.csv',
    ]);
    const lists = server.requests.filter((request) => request.line.includes('list-type=2'));
    expect(lists.some((request) => request.line.includes('continuation-token='))).toBe(true);
    expect(server.requests.every((request) => request.signed)).toBe(true);

    server.requests.length = 0;
    put('handbook/a.md', '# Apricots\n\nAvocados grow on the south wall now.');
    server.objects.delete('corpus/handbook/b.txt');
    const second = await sync.run(definition, { trigger: 'test' });
    expect(second).toMatchObject({ state: 'done', seen: 4, updated: 1, unchanged: 1, removed: 1, failed: 2 });
    // Only the changed object and the failed ones were downloaded again.
    const gets = server.requests.filter((request) => request.line.startsWith('GET /corpus/handbook/'));
    expect(gets.map((request) => request.line).sort()).toEqual([
      'GET /corpus/handbook/a.md?x-id=GetObject',
      'GET /corpus/handbook/broken.docx?x-id=GetObject',
    ]);
    expect(await sources(definition)).toEqual([
      's3://corpus/handbook/a.md',
      's3://corpus/handbook/sub/c.csv',
    ]);
    const hits = await app.search.search({
      query: 'avocados',
      filter: { collectionIds: [definition.collectionId] },
    });
    expect(hits.hits.map((hit) => hit.document.fileName)).toEqual(['a.md']);
  });

  it('NoSuchBucket and AccessDenied fail the run with the reason and remove nothing', async () => {
    const definition = await define('bucket-missing', { bucket: 'corpus', prefix: 'handbook' });
    expect(await sync.run(definition, { trigger: 'test' })).toMatchObject({ state: 'done', added: 2 });
    const before = await sources(definition);
    const moved = { ...definition, s3: { bucket: 'no-such-bucket', prefix: 'handbook' } };
    const missing = await sync.run(moved, { trigger: 'test' });
    expect(missing?.state).toBe('failed');
    expect(missing?.error).toContain(
      's3://no-such-bucket/handbook/: the bucket does not exist (NoSuchBucket)',
    );
    const denied = await sync.run(
      { ...definition, s3: { bucket: 'locked', prefix: '' } },
      { trigger: 'test' },
    );
    expect(denied?.error).toContain('access denied; the credentials need s3:ListBucket');
    expect(await sources(definition)).toEqual(before);
  });

  it('an object replaced between listing and reading fails alone (If-Match) and is read next run', async () => {
    put('race/a.txt', 'first version of the race file');
    const connector = new S3Connector({
      settings: { bucket: 'corpus', prefix: 'race' },
      defaultRegion: 'eu-west-1',
      defaultEndpoint: server.endpoint,
      credentials,
    });
    try {
      const page = await connector.list();
      const item = page.items[0]!;
      put('race/a.txt', 'second version of the race file');
      await expect(connector.read(item)).rejects.toMatchObject({
        code: 'connector_failed',
        message: expect.stringContaining('changed or was deleted while syncing (PreconditionFailed)'),
      });
      const fresh = (await connector.list()).items[0]!;
      expect(Buffer.from(await connector.read(fresh)).toString()).toBe('second version of the race file');
    } finally {
      await connector.close();
    }
  });
});
