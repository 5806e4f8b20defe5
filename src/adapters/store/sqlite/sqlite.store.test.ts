import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChunkDraft, ParsedDocument } from '../../../core/document.js';
import type { DocumentWrite } from '../../../ports/store.port.js';
import { openDatabase } from './database.js';
import { SqliteStore } from './sqlite.store.js';

function parsedOf(text: string): ParsedDocument {
  return { format: 'text', text, blocks: [], warnings: [], parserVersion: 'text@1' };
}

function writeOf(collectionId: string, source: string, texts: string[], hash = source): DocumentWrite {
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
      tags: ['t1'],
      parserVersion: 'text@1',
      chunkerVersion: 'c@1',
    },
    parsed: parsedOf(text),
    chunks,
    terms: texts.map((chunkText) => ({ title: [source], body: chunkText.split(' ') })),
    vectors: { embedderId: 'test:e', dimension: 2, values: texts.map((_, i) => new Float32Array([i, 1])) },
  };
}

describe('SqliteStore', () => {
  it('writes a document with chunks, vectors and text, and replaces it atomically', async () => {
    const store = new SqliteStore(openDatabase(':memory:'));
    const collection = await store.ensureCollection('docs');
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
  });

  it('tells a reader whose cursor predates a pruned change log to start over', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteStore(db);
    const collection = await store.ensureCollection('docs');
    await store.writeDocument(writeOf(collection.id, 'a.txt', ['alpha one']));
    const kept = await store.writeDocument(writeOf(collection.id, 'b.txt', ['beta two']));
    const start = await store.chunkChanges();
    expect(start.reset).toBeUndefined();
    await store.writeDocument(writeOf(collection.id, 'a.txt', ['gamma'], 'h2'));
    expect((await store.chunkChanges(start.cursor)).reset).toBeUndefined();
    db.prepare('DELETE FROM chunk_deletions').run();
    const changes = await store.chunkChanges(start.cursor);
    expect(changes.reset).toBe(true);
    expect(changes.added.map((row) => row.terms.body)).toEqual([['beta', 'two'], ['gamma']]);
    expect(changes.added[0]?.documentId).toBe(kept.id);
    expect((await store.chunkChanges(changes.cursor)).reset).toBeUndefined();
  });

  it('rolls back a failed write and keeps the old version', async () => {
    const store = new SqliteStore(openDatabase(':memory:'));
    const collection = await store.ensureCollection('docs');
    await store.writeDocument(writeOf(collection.id, 'a.txt', ['old text']));
    const broken = writeOf(collection.id, 'a.txt', ['new text'], 'h2');
    // A chunk violating NOT NULL makes the write fail after the document row was updated.
    broken.chunks[0]!.text = null as unknown as string;
    await expect(store.writeDocument(broken)).rejects.toThrow();
    const [document] = await store.listDocuments();
    expect(await store.getDocumentText(document!.id)).toBe('old text');
    const chunks = await store.getChunks((await store.chunkChanges()).added.map((row) => row.rowId));
    expect(chunks.map((chunk) => chunk.text)).toEqual(['old text']);
  });

  it('changes its change token on writes and deletes, and reports filter info', async () => {
    const store = new SqliteStore(openDatabase(':memory:'));
    const collection = await store.ensureCollection('docs');
    const empty = await store.changeToken();
    const document = await store.writeDocument(writeOf(collection.id, 'b.txt', ['x y']));
    const written = await store.changeToken();
    expect(written).not.toBe(empty);
    expect(await store.documentFilterInfo()).toEqual([
      { documentId: document.id, collectionId: collection.id, tags: ['t1'], updatedAt: document.updatedAt },
    ]);
    await store.deleteDocument(document.id);
    expect(await store.changeToken()).not.toBe(written);
    expect(await store.countChunks()).toBe(0);
  });

  it('refuses a database from a newer Lore', () => {
    const db = openDatabase(':memory:');
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', '')").run();
    expect(() => openDatabaseAgain(db)).toThrow(/newer than this Lore supports/);
  });
});

function openDatabaseAgain(db: ReturnType<typeof openDatabase>) {
  // Write the in-memory database to a file and open it again, as a newer Lore would have left it.
  const path = join(tmpdir(), `lore-newer-${process.pid}-${Date.now()}.db`);
  writeFileSync(path, db.serialize());
  return openDatabase(path);
}
