import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3TestServer, startS3TestServer } from '../testing/s3-test-server.js';
import { parseS3Url, S3BlobStore } from './s3.blob-store.js';

describe('S3BlobStore against an S3 wire-format server', () => {
  let server: S3TestServer;
  let store: S3BlobStore;
  beforeAll(async () => {
    server = await startS3TestServer({ maxKeys: 2 });
    store = new S3BlobStore({
      bucket: 'lore-test',
      prefix: 'originals/prod',
      region: 'us-west-2',
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    });
  });
  afterAll(async () => {
    store.close();
    await server.close();
  });

  it('stores content-addressed objects once, reads, checks, lists with pagination and deletes', async () => {
    const bytes = new TextEncoder().encode('hello blobs');
    const key = await store.put(bytes);
    expect(key).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(server.objects.has(`lore-test/originals/prod/${key.slice(0, 2)}/${key}`)).toBe(true);
    const puts = () => server.requests.filter((request) => request.line.startsWith('PUT')).length;
    expect(puts()).toBe(1);
    expect(await store.put(bytes)).toBe(key);
    expect(puts()).toBe(1);
    expect(new TextDecoder().decode(await store.get(key))).toBe('hello blobs');
    expect(await store.has(key)).toBe(true);

    const more = await Promise.all(
      ['a', 'b', 'c', 'd'].map((text) => store.put(new TextEncoder().encode(text))),
    );
    const listed: string[] = [];
    for await (const listedKey of store.keys()) listed.push(listedKey);
    expect(listed.sort()).toEqual([key, ...more].sort());
    expect(server.requests.filter((request) => request.line.includes('list-type=2')).length).toBeGreaterThan(
      1,
    );

    await store.delete(key);
    expect(await store.has(key)).toBe(false);
    await expect(store.get(key)).rejects.toMatchObject({ code: 'not_found' });
    await store.delete(key);
    expect(server.requests.every((request) => request.signed)).toBe(true);
  });

  it('refuses keys that are not content addresses and parses s3 URLs', async () => {
    await expect(store.get('../etc/passwd')).rejects.toMatchObject({ code: 'invalid_request' });
    expect(parseS3Url('s3://bucket/a/b/')).toEqual({ bucket: 'bucket', prefix: 'a/b' });
    expect(parseS3Url('s3://bucket')).toEqual({ bucket: 'bucket', prefix: '' });
  });
});
