import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/fixtures/test-app.js';
import { localPrincipal, type Principal } from '../identity/identity.records.js';
import type { IngestJobPayload } from '../ingest/ingest-job.js';
import type { ArrivedFile } from './documents.service.js';

let app: Awaited<ReturnType<typeof createTestApp>>;
let staging: string;
beforeEach(async () => {
  app = await createTestApp();
  staging = mkdtempSync(join(tmpdir(), 'lore-documents-'));
});
afterEach(async () => {
  await app.dispose();
  rmSync(staging, { recursive: true, force: true });
});

/** A file as an upload stages it: on disk, with its sha256. */
function arrived(fileName: string, content: string): ArrivedFile {
  const path = join(staging, `${fileName}.part`);
  writeFileSync(path, content);
  return { fileName, path, sha256: createHash('sha256').update(content).digest('hex') };
}

async function member(email: string, scopes: Principal['scopes'] = ['read', 'write']): Promise<Principal> {
  const user = await app.identity.createUser({ email, name: email, role: 'member' });
  return { kind: 'user', userId: user.id, email, role: 'member', groupIds: [], scopes, via: 'api-key' };
}

/** A document ingested into a collection owned by `owner`. */
async function ingested(owner: Principal, collection: string, fileName = 'notes.md') {
  const target = await app.collections.uploadTarget(owner, collection);
  const outcome = await app.ingest.ingest({
    bytes: new TextEncoder().encode('# Notes\n\nThe fire exit is on the left.\n'),
    fileName,
    source: `upload/${fileName}`,
    collection: target.name,
    collectionId: target.id,
  });
  if (!outcome.document) throw new Error(`not ingested: ${outcome.error?.message}`);
  return outcome.document;
}

describe('DocumentsService', () => {
  it('stores each original and queues one ingest job a file in the caller’s new collection', async () => {
    const alice = await member('alice@example.com');
    const tags = Array.from({ length: 60 }, (_, i) => `t${i}`);
    const result = await app.documents.upload(alice, {
      files: [arrived('a.md', '# A'), arrived('b.txt', 'bee')],
      collection: 'handbook',
      tags,
    });
    const collection = await app.store.getCollectionByName('handbook');
    expect(collection).toBeDefined();
    expect(await app.accessStore.getCollectionOwner(collection!.id)).toBe(alice.userId);
    expect(result.collectionId).toBe(collection!.id);
    expect(result.files.map((file) => file.fileName)).toEqual(['a.md', 'b.txt']);
    const job = await app.queue.get(result.files[0]!.jobId!);
    const payload = job?.payload as IngestJobPayload;
    expect(payload).toMatchObject({
      fileName: 'a.md',
      source: 'upload/a.md',
      collection: 'handbook',
      collectionId: collection!.id,
      requestedBy: alice.userId,
    });
    expect(payload.tags).toEqual(tags.slice(0, 50));
    expect(await app.blobs.has(payload.blobKey)).toBe(true);
  });

  it('refuses an empty upload and a collection the caller may only read', async () => {
    const alice = await member('alice@example.com');
    const bob = await member('bob@example.com');
    await expect(app.documents.upload(alice, { files: [] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    const shared = await app.collections.create(alice, 'shared', '');
    await app.sharing.replace(
      alice,
      shared.id,
      [{ granteeType: 'user', granteeId: bob.userId!, permission: 'reader' }],
      {},
    );
    await expect(
      app.documents.upload(bob, { files: [arrived('x.md', 'x')], collection: 'shared' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(await app.queue.counts()).toMatchObject({ queued: 0 });
  });

  it('reports a file the storage could not take in its entry, and throws when no file was taken', async () => {
    const alice = await member('alice@example.com');
    const gone = { ...arrived('gone.md', 'gone'), path: join(staging, 'vanished.part') };
    const partial = await app.documents.upload(alice, { files: [gone, arrived('ok.md', 'ok')] });
    expect(partial.files[0]).toMatchObject({ fileName: 'gone.md', error: { code: 'storage_error' } });
    expect(partial.files[0]!.error!.message).toMatch(/^gone\.md: /);
    expect(partial.files[1]!.jobId).toBeDefined();
    await expect(app.documents.upload(alice, { files: [gone] })).rejects.toMatchObject({
      code: 'storage_error',
      message: expect.stringMatching(/^gone\.md: /),
    });
  });

  it('lists and reads only documents of readable collections; others are not found', async () => {
    const alice = await member('alice@example.com');
    const bob = await member('bob@example.com');
    const document = await ingested(alice, 'private');
    expect((await app.documents.list(alice)).map((d) => d.id)).toEqual([document.id]);
    expect(await app.documents.list(bob)).toEqual([]);
    expect(await app.documents.list(bob, { collectionId: document.collectionId })).toEqual([]);
    await expect(app.documents.get(bob, document.id)).rejects.toThrow(`no document ${document.id}`);
    await expect(app.documents.text(bob, document.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await app.documents.text(alice, document.id)).toContain('fire exit');
    expect((await app.documents.chunks(alice, document.id)).length).toBeGreaterThan(0);
    const { bytes } = await app.documents.original(alice, document.id);
    expect(new TextDecoder().decode(bytes)).toContain('fire exit');
    expect((await app.documents.list(localPrincipal)).map((d) => d.id)).toEqual([document.id]);
  });

  it('re-indexes from the stored original (editor, write scope), one pending job a document', async () => {
    const alice = await member('alice@example.com');
    const document = await ingested(alice, 'private');
    const readOnly = { ...alice, scopes: ['read'] as const };
    await expect(app.documents.reindex(readOnly, document.id)).rejects.toMatchObject({ code: 'forbidden' });
    const first = await app.documents.reindex(alice, document.id);
    expect(await app.documents.reindex(alice, document.id)).toEqual(first);
    const payload = (await app.queue.get(first.jobId))?.payload as IngestJobPayload;
    expect(payload).toMatchObject({ blobKey: document.blobKey, force: true, collection: 'private' });
  });

  it('refuses to re-index a document whose original is not stored', async () => {
    const alice = await member('alice@example.com');
    const document = await ingested(alice, 'private');
    await app.blobs.delete(document.blobKey!);
    await expect(app.documents.reindex(alice, document.id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(app.documents.original(alice, document.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('deletes (editor) with an audit entry; a reader is refused, a stranger told not found', async () => {
    const alice = await member('alice@example.com');
    const bob = await member('bob@example.com');
    const eve = await member('eve@example.com');
    const document = await ingested(alice, 'team');
    await app.sharing.replace(
      alice,
      document.collectionId,
      [{ granteeType: 'user', granteeId: bob.userId!, permission: 'reader' }],
      {},
    );
    await expect(app.documents.delete(bob, document.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(app.documents.delete(eve, document.id)).rejects.toMatchObject({ code: 'not_found' });
    await app.documents.delete(alice, document.id);
    expect(await app.store.getDocument(document.id)).toBeUndefined();
    const [entry] = await app.audit.list({ limit: 1, action: 'document.delete' });
    expect(entry).toMatchObject({
      actorId: alice.userId,
      target: `document:${document.id}`,
      details: { fileName: 'notes.md', collectionId: document.collectionId },
    });
  });
});
