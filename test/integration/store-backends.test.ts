import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChunkDraft } from '../../src/core/document.js';
import type { EvaluationReport } from '../../src/core/evaluation/evaluate.service.js';
import type { DocumentWrite } from '../../src/ports/store.port.js';
import { type BackendUnderTest, backends, type OpenBackend } from '../fixtures/backends.js';
import { describeRequiring } from '../fixtures/datasets.js';

// The Store, Queue, Maintenance and EvaluationStore contracts, asserted identically against the embedded SQLite
// backend and PostgreSQL.

function writeOf(
  collectionId: string,
  source: string,
  texts: string[],
  hash = source,
  tags = ['t1'],
): DocumentWrite {
  const text = texts.join('\n\n');
  let offset = 0;
  const chunks: ChunkDraft[] = texts.map((chunkText, ordinal) => {
    const start = text.indexOf(chunkText, offset);
    offset = start + chunkText.length;
    return { ordinal, start, end: offset, text: chunkText, context: '', tokenCount: 3 };
  });
  return {
    document: {
      collectionId,
      source,
      fileName: source,
      title: source,
      format: 'text',
      contentHash: hash,
      byteSize: text.length,
      warnings: [],
      tags,
      parserVersion: 'text@1',
      chunkerVersion: 'c@1',
    },
    parsed: { format: 'text', text, blocks: [], warnings: [], parserVersion: 'text@1' },
    chunks,
    terms: texts.map((chunkText) => ({ title: [source], body: chunkText.split(' ') })),
    vectors: { embedderId: 'test:e', dimension: 2, values: texts.map((_, i) => new Float32Array([i, 1])) },
  };
}

function suite(backend: BackendUnderTest) {
  describeRequiring(`store contract on ${backend.name}`, backend.missing, () => {
    let open: OpenBackend;
    beforeAll(async () => {
      open = await backend.open();
    });
    afterAll(async () => {
      await open.dispose();
    });

    it('writes a document with chunks, vectors and text, and replaces it atomically', async () => {
      const store = open.storage.store;
      const collection = await store.ensureCollection('docs');
      expect(await store.ensureCollection('docs')).toEqual(collection);
      const first = await store.writeDocument(writeOf(collection.id, 'a.txt', ['alpha one', 'alpha two']));
      expect(first.chunkCount).toBe(2);
      const start = await store.chunkChanges();
      expect(start.added.map((row) => row.terms.body)).toEqual([
        ['alpha', 'one'],
        ['alpha', 'two'],
      ]);
      const second = await store.writeDocument(writeOf(collection.id, 'a.txt', ['beta'], 'h2'));
      expect(second.id).toBe(first.id);
      expect(second.createdAt).toBe(first.createdAt);
      const changes = await store.chunkChanges(start.cursor);
      expect(changes.removedRowIds).toEqual(start.added.map((row) => row.rowId));
      expect(changes.added.map((row) => row.terms.body)).toEqual([['beta']]);
      expect(await store.getDocumentText(first.id)).toBe('beta');
      expect(await store.countChunks()).toBe(1);
      const vectors = await store.loadVectors('test:e');
      expect(vectors.dimension).toBe(2);
      expect(Array.from(vectors.matrix)).toEqual([0, 1]);
      expect((await store.listDocumentChunks(first.id)).map((chunk) => chunk.text)).toEqual(['beta']);
      expect((await store.documentCounts()).get(collection.id)).toBe(1);
      await store.deleteDocument(first.id);
    });

    it('rolls back a failed write and keeps the old version', async () => {
      const store = open.storage.store;
      const collection = await store.ensureCollection('rollback');
      await store.writeDocument(writeOf(collection.id, 'a.txt', ['old text']));
      const broken = writeOf(collection.id, 'a.txt', ['new text'], 'h2');
      broken.chunks[0]!.text = null as unknown as string;
      await expect(store.writeDocument(broken)).rejects.toThrow();
      const [document] = await store.listDocuments({ collectionId: collection.id });
      expect(await store.getDocumentText(document!.id)).toBe('old text');
      expect((await store.listDocumentChunks(document!.id)).map((chunk) => chunk.text)).toEqual(['old text']);
      await store.deleteCollection(collection.id);
      expect(await store.getCollection(collection.id)).toBeUndefined();
    });

    it('changes its change token on writes and deletes, and reports filter info', async () => {
      const store = open.storage.store;
      const collection = await store.ensureCollection('tokens');
      const empty = await store.changeToken();
      const document = await store.writeDocument(writeOf(collection.id, 'b.txt', ['x y']));
      const written = await store.changeToken();
      expect(written).not.toBe(empty);
      expect(await store.documentFilterInfo([document.id])).toEqual([
        { documentId: document.id, collectionId: collection.id, tags: ['t1'], updatedAt: document.updatedAt },
      ]);
      await store.deleteDocument(document.id);
      expect(await store.changeToken()).not.toBe(written);
    });

    it('keeps vectors of live chunks only and lists chunks missing them', async () => {
      const store = open.storage.store;
      const collection = await store.ensureCollection('vectors');
      const document = await store.writeDocument(writeOf(collection.id, 'v.txt', ['one', 'two']));
      const chunks = await store.listDocumentChunks(document.id);
      const missing = await store.chunksMissingVectors('other:e', 10);
      expect(missing).toHaveLength(await store.countChunks());
      // Paging on after a chunk id returns only later chunks, in id order.
      const after = await store.chunksMissingVectors('other:e', 10, undefined, chunks[0]!.id);
      expect(after.map((chunk) => chunk.id)).toEqual(
        missing.map((chunk) => chunk.id).filter((id) => id > chunks[0]!.id),
      );
      expect(after.map((chunk) => chunk.id)).toContain(chunks[1]!.id);
      await store.putVectors('other:e', 3, [
        { rowId: chunks[0]!.id, vector: new Float32Array([1, 2, 3]) },
        { rowId: 999_999, vector: new Float32Array([1, 2, 3]) },
      ]);
      const loaded = await store.loadVectors('other:e');
      expect(Array.from(loaded.rowIds)).toEqual([chunks[0]!.id]);
      expect(Array.from(loaded.matrix)).toEqual([1, 2, 3]);
      // Vectors of chosen chunks only (an external index fed from the change log): absent ones are left out.
      const some = await store.loadVectorsOf('other:e', [chunks[0]!.id, chunks[1]!.id, 999_999]);
      expect(Array.from(some.rowIds)).toEqual([chunks[0]!.id]);
      expect(Array.from(some.matrix)).toEqual([1, 2, 3]);
      expect((await store.loadVectorsOf('other:e', [])).rowIds).toHaveLength(0);
      await store.deleteDocument(document.id);
      expect((await store.loadVectors('other:e')).rowIds).toHaveLength(0);
    });

    it('reads vectors of given rows only, and every row holding one, with their owners', async () => {
      const store = open.storage.store;
      const collection = await store.ensureCollection('vector-rows');
      const document = await store.writeDocument(writeOf(collection.id, 'r.txt', ['a', 'b', 'c']));
      const chunks = await store.listDocumentChunks(document.id);
      await store.putVectors('rows:e', 2, [
        { rowId: chunks[2]!.id, vector: new Float32Array([5, 6]) },
        { rowId: chunks[0]!.id, vector: new Float32Array([1, 2]) },
      ]);
      const some = await store.loadVectorsOf('rows:e', [
        chunks[2]!.id,
        chunks[1]!.id,
        chunks[0]!.id,
        999_999,
      ]);
      expect(Array.from(some.rowIds)).toEqual([chunks[0]!.id, chunks[2]!.id]);
      expect(some.dimension).toBe(2);
      expect(Array.from(some.matrix)).toEqual([1, 2, 5, 6]);
      expect(some.documentIds).toEqual([document.id, document.id]);
      expect(some.collectionIds).toEqual([collection.id, collection.id]);
      expect((await store.loadVectorsOf('rows:e', [])).rowIds).toHaveLength(0);
      const owners = await store.vectorOwners('rows:e');
      expect(Array.from(owners.rowIds)).toEqual([chunks[0]!.id, chunks[2]!.id]);
      expect(owners.collectionIds).toEqual([collection.id, collection.id]);
      await store.deleteDocument(document.id);
      expect((await store.vectorOwners('rows:e')).rowIds).toHaveLength(0);
    });

    it('an original is in use while a document or a job still to run refers to it', async () => {
      const store = open.storage.store;
      const { queue } = open.clocked(() => Date.now());
      const collection = await store.ensureCollection('blobs');
      const write = writeOf(collection.id, 'kept.txt', ['kept']);
      write.document.blobKey = 'blob-of-document';
      const document = await store.writeDocument(write);
      expect(await store.blobInUse('blob-of-document')).toBe(true);
      expect(await store.blobInUse('blob-of-nobody')).toBe(false);
      // A queued job (an older upload resubmitted behind the newer one) keeps its original; a
      // running one too; a finished or failed one does not.
      const job = await queue.enqueue('blob-contract', { blobKey: 'blob-of-job' });
      expect(await store.blobInUse('blob-of-job')).toBe(true);
      await queue.claim(['blob-contract'], 'w1', 10_000);
      expect(await store.blobInUse('blob-of-job')).toBe(true);
      await queue.complete(job.id, 'w1');
      expect(await store.blobInUse('blob-of-job')).toBe(false);
      await store.deleteDocument(document.id);
      expect(await store.blobInUse('blob-of-document')).toBe(false);
    });

    it('updates collections and refuses a taken name', async () => {
      const store = open.storage.store;
      const a = await store.ensureCollection('first');
      await store.ensureCollection('second');
      expect(await store.updateCollection(a.id, { description: 'about a' })).toMatchObject({
        name: 'first',
        description: 'about a',
      });
      await expect(store.updateCollection(a.id, { name: 'second' })).rejects.toMatchObject({
        code: 'conflict',
      });
      await store.setSetting('k', 'v1');
      await store.setSetting('k', 'v2');
      expect(await store.getSetting('k')).toBe('v2');
    });

    it('queue: claims each job once, hands expired leases over, retries with backoff, dead-letters', async () => {
      const clock = { now: 1_000_000 };
      const { queue } = open.clocked(() => clock.now);
      const job = await queue.enqueue('contract', { path: 'a' });
      const claimed = await queue.claim(['contract'], 'w1', 10_000);
      expect(claimed).toMatchObject({ id: job.id, state: 'running', attempts: 1, payload: { path: 'a' } });
      expect(await queue.claim(['contract'], 'w2', 10_000)).toBeUndefined();
      clock.now += 11_000;
      const reclaimed = await queue.claim(['contract'], 'w2', 10_000);
      expect(reclaimed).toMatchObject({ id: job.id, attempts: 2 });
      await queue.complete(job.id, 'w1'); // the dead worker can no longer complete it
      expect((await queue.get(job.id))?.state).toBe('running');
      await queue.fail(job.id, 'w2', { message: 'boom', code: 'provider_error' }, true);
      expect(await queue.claim(['contract'], 'w2', 10_000)).toBeUndefined();
      clock.now += 60_000;
      await queue.claim(['contract'], 'w3', 10_000);
      expect(await queue.get(job.id)).toMatchObject({ error: 'boom', errorCode: 'provider_error' });
      await queue.fail(job.id, 'w3', { message: 'boom again', code: 'file_corrupt' }, true);
      expect(await queue.get(job.id)).toMatchObject({
        state: 'failed',
        error: 'boom again',
        errorCode: 'file_corrupt',
        attempts: 3,
      });

      const kept = await queue.enqueue('contract', {}, { dedupKey: 'k' });
      expect((await queue.enqueue('contract', {}, { dedupKey: 'k' })).id).toBe(kept.id);
      await queue.cancel(kept.id);
      expect((await queue.enqueue('contract', {}, { dedupKey: 'k' })).id).not.toBe(kept.id);
    });

    it('queue: jobs with one order key run one at a time, oldest first, retries included', async () => {
      const clock = { now: 2_000_000 };
      const { queue } = open.clocked(() => clock.now);
      const later = <T>(job: T) => {
        clock.now += 1; // distinct creation times: claims go oldest first
        return job;
      };
      const v1 = later(await queue.enqueue('ordered', { v: 1 }, { orderKey: 'doc-a' }));
      const v2 = later(await queue.enqueue('ordered', { v: 2 }, { orderKey: 'doc-a' }));
      const other = later(await queue.enqueue('ordered', { v: 3 }, { orderKey: 'doc-b' }));
      expect((await queue.claim(['ordered'], 'w1', 10_000))?.id).toBe(v1.id);
      // v1 runs: v2 waits for it, another key does not.
      expect((await queue.claim(['ordered'], 'w2', 10_000))?.id).toBe(other.id);
      await queue.complete(other.id, 'w2');
      expect(await queue.claim(['ordered'], 'w2', 10_000)).toBeUndefined();
      // v1's worker dies: v1 is taken over first (its lease expired), v2 still waits.
      clock.now += 11_000;
      expect((await queue.claim(['ordered'], 'w3', 10_000))?.id).toBe(v1.id);
      expect(await queue.claim(['ordered'], 'w4', 10_000)).toBeUndefined();
      // A retry with backoff keeps v2 waiting too; once v1 is done, v2 runs.
      await queue.fail(v1.id, 'w3', { message: 'transient' }, true);
      expect(await queue.claim(['ordered'], 'w4', 10_000)).toBeUndefined();
      clock.now += 60_000;
      expect((await queue.claim(['ordered'], 'w4', 10_000))?.id).toBe(v1.id);
      await queue.complete(v1.id, 'w4');
      expect((await queue.claim(['ordered'], 'w4', 10_000))?.id).toBe(v2.id);
      await queue.complete(v2.id, 'w4');
    });

    it('queue: concurrent workers never claim the same job twice', async () => {
      const { queue } = open.clocked(Date.now);
      const ids = new Set<string>();
      for (let i = 0; i < 60; i++) ids.add((await queue.enqueue('race', { i })).id);
      const claimedBy = new Map<string, string>();
      await Promise.all(
        Array.from({ length: 8 }, async (_, worker) => {
          for (;;) {
            const job = await queue.claim(['race'], `w${worker}`, 60_000);
            if (!job) return;
            expect(claimedBy.has(job.id), job.id).toBe(false);
            claimedBy.set(job.id, `w${worker}`);
            await queue.complete(job.id, `w${worker}`);
          }
        }),
      );
      expect(new Set(claimedBy.keys())).toEqual(ids);
      for (const id of ids) expect((await queue.get(id))?.state).toBe('done');
    });

    it('maintenance: one lease holder at a time, expired jobs requeued', async () => {
      const clock = { now: 5_000_000 };
      const { maintenance, queue } = open.clocked(() => clock.now);
      expect(await maintenance.acquireLease('scheduler', 'a', 1_000)).toBe(true);
      expect(await maintenance.acquireLease('scheduler', 'b', 1_000)).toBe(false);
      expect(await maintenance.acquireLease('scheduler', 'a', 1_000)).toBe(true);
      clock.now += 2_000;
      expect(await maintenance.acquireLease('scheduler', 'b', 1_000)).toBe(true);
      await maintenance.releaseLease('scheduler', 'b');
      expect(await maintenance.acquireLease('scheduler', 'a', 1_000)).toBe(true);
      const job = await queue.enqueue('maintenance', {});
      await queue.claim(['maintenance'], 'dead', 1_000);
      clock.now += 5_000;
      expect(await maintenance.requeueExpiredJobs()).toEqual({ requeued: 1, failed: 0 });
      expect((await queue.get(job.id))?.state).toBe('queued');
      await maintenance.ping();
    });

    it('login attempts: counted atomically across connections, windows by the clock, pruned', async () => {
      // The storage's own connection (database time) and a second one, as two replicas would.
      const shared = open.storage.loginAttempts;
      const counts = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? shared : open.clocked(() => Date.now()).loginAttempts).count('burst', 60_000),
        ),
      );
      expect(counts.map((window) => window.attempts).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      const clock = { now: 9_000_000 };
      const { loginAttempts } = open.clocked(() => clock.now);
      expect(await loginAttempts.count('k', 1_000)).toEqual({ attempts: 1, remainingMs: 1_000 });
      clock.now += 400;
      expect(await loginAttempts.count('k', 1_000)).toEqual({ attempts: 2, remainingMs: 600 });
      await loginAttempts.forgive('k');
      expect(await loginAttempts.count('k', 1_000)).toEqual({ attempts: 2, remainingMs: 600 });
      clock.now += 600;
      // The window closed: a new one opens at this attempt.
      expect(await loginAttempts.count('k', 1_000)).toEqual({ attempts: 1, remainingMs: 1_000 });
      await loginAttempts.clear('k');
      expect(await loginAttempts.count('k', 1_000)).toEqual({ attempts: 1, remainingMs: 1_000 });
      clock.now += 5_000;
      expect(await loginAttempts.prune()).toBe(1);
      await shared.clear('burst');
    });

    it('lists documents of the given collections only (the readable set access control passes)', async () => {
      const { store } = open.storage;
      const [a, b] = [await store.ensureCollection('list-a'), await store.ensureCollection('list-b')];
      const inA = await store.writeDocument(writeOf(a.id, 'in-a.txt', ['gamma']));
      const inB = await store.writeDocument(writeOf(b.id, 'in-b.txt', ['delta']));
      const ids = async (collectionIds?: string[]) =>
        (await store.listDocuments({ ...(collectionIds ? { collectionIds } : {}), limit: 1000 }))
          .map((document) => document.id)
          .filter((id) => id === inA.id || id === inB.id)
          .sort();
      expect(await ids([a.id])).toEqual([inA.id]);
      expect(await ids([])).toEqual([]);
      expect(await ids([a.id, b.id])).toEqual([inA.id, inB.id].sort());
      expect(await ids()).toEqual([inA.id, inB.id].sort());
    });

    it('access: a new collection is claimed by one owner only, never one with documents', async () => {
      const { store, accessStore } = open.storage;
      const fresh = await store.ensureCollection('claimed-once');
      expect(await accessStore.claimCollection(fresh.id, 'user-a')).toBe(true);
      expect(await accessStore.claimCollection(fresh.id, 'user-b')).toBe(false);
      expect(await accessStore.getCollectionOwner(fresh.id)).toBe('user-a');
      const used = await store.ensureCollection('has-documents');
      await store.writeDocument(writeOf(used.id, 'claim.txt', ['alpha beta']));
      expect(await accessStore.claimCollection(used.id, 'user-b')).toBe(false);
      expect(await accessStore.getCollectionOwner(used.id)).toBeUndefined();
    });

    it('evaluations: records a run, updates it as it runs, lists newest first without per-query scores', async () => {
      const evaluations = open.storage.evaluations;
      const report: EvaluationReport = {
        dataset: 'scifact',
        mode: 'lexical',
        documents: 10,
        failedDocuments: 0,
        queries: 2,
        ndcgAt10: 0.5,
        recallAt100: 0.75,
        mrrAt10: 0.25,
        latencyMs: { p50: 1.5, p95: 3 },
        lexicalLatencyMs: { p50: 0.5, p95: 1 },
        ingestSeconds: 2,
        documentsPerSecond: 5,
      };
      const perQuery = [{ queryId: 'q1', ndcgAt10: 1, recallAt100: 1, mrrAt10: 1 }];
      await evaluations.create({
        id: 'eval-1',
        dataset: 'scifact',
        source: 'folder',
        state: 'queued',
        createdBy: 'user-1',
        createdAt: '2026-01-01T10:00:00.000Z',
      });
      await evaluations.create({
        id: 'eval-2',
        dataset: 'mine.zip',
        source: 'upload',
        state: 'queued',
        createdAt: '2026-01-02T10:00:00.000Z',
      });
      expect(await evaluations.get('missing')).toBeUndefined();
      await evaluations.update('eval-1', { jobId: 'job-1', state: 'running' });
      await evaluations.update('eval-1', {
        state: 'done',
        finishedAt: '2026-01-01T10:05:00.000Z',
        report,
        perQuery,
      });
      await evaluations.update('eval-2', { state: 'failed', error: 'no qrels' });
      await evaluations.update('eval-2', {});
      expect(await evaluations.get('eval-1')).toEqual({
        id: 'eval-1',
        dataset: 'scifact',
        source: 'folder',
        state: 'done',
        jobId: 'job-1',
        createdBy: 'user-1',
        createdAt: '2026-01-01T10:00:00.000Z',
        finishedAt: '2026-01-01T10:05:00.000Z',
        report,
        perQuery,
      });
      const listed = await evaluations.list(10);
      expect(listed.map((run) => [run.id, run.state, run.error])).toEqual([
        ['eval-2', 'failed', 'no qrels'],
        ['eval-1', 'done', undefined],
      ]);
      expect(listed[1]).toMatchObject({ report });
      expect(listed[1]?.perQuery).toBeUndefined();
      expect(await evaluations.list(1)).toHaveLength(1);
    });
  });
}

for (const backend of backends) suite(backend);
