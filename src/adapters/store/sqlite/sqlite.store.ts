import { randomUUID } from 'node:crypto';
import { LoreError } from '../../../core/errors.js';
import type { ChunkRecord, Collection, DocumentRecord } from '../../../core/records.js';
import type {
  ChangeCursor,
  ChunkChanges,
  DocumentFilterInfo,
  DocumentListQuery,
  DocumentWrite,
  Store,
  VectorOwners,
  VectorRows,
} from '../../../ports/store.port.js';
import type { SqliteDatabase } from './database.js';
import {
  type ChunkRow,
  type CollectionRow,
  chunkColumns,
  collectionColumns,
  type DocumentRow,
  toChunkRecord,
  toCollection,
  toDocumentRecord,
  vectorToBlob,
} from './rows.js';
import { writeTablesSqlite } from './sqlite.table-store.js';
import {
  readChunkChanges,
  readChunksMissingVectors,
  readVectorOwners,
  readVectors,
  readVectorsOf,
  writeVectors,
} from './sqlite-index-feed.js';

/** The embedded Store: one SQLite database. Writes of one document are one transaction. */
export class SqliteStore implements Store {
  constructor(private readonly db: SqliteDatabase) {}

  async ensureCollection(name: string): Promise<Collection> {
    const existing = await this.getCollectionByName(name);
    if (existing) return existing;
    const collection = { id: randomUUID(), name, description: '', createdAt: new Date().toISOString() };
    this.db
      .prepare('INSERT INTO collections (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING')
      .run(collection.id, collection.name, collection.createdAt);
    return (await this.getCollectionByName(name)) ?? collection;
  }

  async getCollectionByName(name: string): Promise<Collection | undefined> {
    const row = this.db.prepare(`SELECT ${collectionColumns} FROM collections WHERE name = ?`).get(name) as
      | CollectionRow
      | undefined;
    return row && toCollection(row);
  }

  async getCollection(id: string): Promise<Collection | undefined> {
    const row = this.db.prepare(`SELECT ${collectionColumns} FROM collections WHERE id = ?`).get(id) as
      | CollectionRow
      | undefined;
    return row && toCollection(row);
  }

  async listCollections(): Promise<Collection[]> {
    const rows = this.db
      .prepare(`SELECT ${collectionColumns} FROM collections ORDER BY name`)
      .all() as CollectionRow[];
    return rows.map(toCollection);
  }

  async updateCollection(
    id: string,
    patch: { name?: string; description?: string },
  ): Promise<Collection | undefined> {
    try {
      this.db
        .prepare(
          'UPDATE collections SET name = coalesce(?, name), description = coalesce(?, description) WHERE id = ?',
        )
        .run(patch.name ?? null, patch.description ?? null, id);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new LoreError('conflict', `a collection named ${patch.name} already exists`);
      }
      throw error;
    }
    return this.getCollection(id);
  }

  async deleteCollection(id: string): Promise<void> {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM chunks WHERE collection_id = ?').run(id);
        this.db.prepare('DELETE FROM documents WHERE collection_id = ?').run(id);
        this.db.prepare('DELETE FROM collections WHERE id = ?').run(id);
      })
      .immediate();
  }

  async findDocumentBySource(collectionId: string, source: string): Promise<DocumentRecord | undefined> {
    const row = this.db
      .prepare('SELECT * FROM documents WHERE collection_id = ? AND source = ?')
      .get(collectionId, source) as DocumentRow | undefined;
    return row && toDocumentRecord(row);
  }

  async getDocument(id: string): Promise<DocumentRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
    return row && toDocumentRecord(row);
  }

  async getDocuments(ids: readonly string[]): Promise<DocumentRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare('SELECT * FROM documents WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as DocumentRow[];
    return rows.map(toDocumentRecord);
  }

  async blobInUse(key: string): Promise<boolean> {
    const row = this.db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM documents WHERE blob_key = @key)
             OR EXISTS (SELECT 1 FROM jobs WHERE state IN ('queued', 'running')
                          AND json_extract(payload, '$.blobKey') = @key) AS used`,
      )
      .get({ key }) as { used: number };
    return row.used === 1;
  }

  async listDocuments(query: DocumentListQuery = {}): Promise<DocumentRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM documents WHERE (@collectionId IS NULL OR collection_id = @collectionId)
           AND (@collectionIds IS NULL OR collection_id IN (SELECT value FROM json_each(@collectionIds)))
         ORDER BY updated_at DESC, id LIMIT @limit OFFSET @offset`,
      )
      .all({
        collectionId: query.collectionId ?? null,
        collectionIds: query.collectionIds ? JSON.stringify(query.collectionIds) : null,
        limit: query.limit ?? -1,
        offset: query.offset ?? 0,
      }) as DocumentRow[];
    return rows.map(toDocumentRecord);
  }

  async documentCounts(): Promise<Map<string, number>> {
    const rows = this.db
      .prepare('SELECT collection_id, count(*) AS n FROM documents GROUP BY collection_id')
      .all() as { collection_id: string; n: number }[];
    return new Map(rows.map((row) => [row.collection_id, row.n]));
  }

  async getDocumentText(id: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT text FROM document_texts WHERE document_id = ?').get(id) as
      | { text: string }
      | undefined;
    return row?.text;
  }

  async writeDocument(write: DocumentWrite): Promise<DocumentRecord> {
    const now = new Date().toISOString();
    const input = write.document;
    const run = this.db.transaction((): string => {
      const existing = (
        input.id
          ? this.db.prepare('SELECT id, created_at FROM documents WHERE id = ?').get(input.id)
          : this.db
              .prepare('SELECT id, created_at FROM documents WHERE collection_id = ? AND source = ?')
              .get(input.collectionId, input.source)
      ) as { id: string; created_at: string } | undefined;
      const id = existing?.id ?? input.id ?? randomUUID();
      if (existing) this.db.prepare('DELETE FROM chunks WHERE document_id = ?').run(id);
      this.db
        .prepare(
          `INSERT INTO documents (id, collection_id, source, file_name, title, format, content_hash, byte_size,
             page_count, chunk_count, warnings, tags, parser_version, chunker_version, blob_key, created_at, updated_at)
           VALUES (@id, @collectionId, @source, @fileName, @title, @format, @contentHash, @byteSize, @pageCount,
             @chunkCount, @warnings, @tags, @parserVersion, @chunkerVersion, @blobKey, @createdAt, @updatedAt)
           ON CONFLICT(id) DO UPDATE SET collection_id = excluded.collection_id, source = excluded.source,
             file_name = excluded.file_name, title = excluded.title, format = excluded.format,
             content_hash = excluded.content_hash, byte_size = excluded.byte_size, page_count = excluded.page_count,
             chunk_count = excluded.chunk_count, warnings = excluded.warnings, tags = excluded.tags,
             parser_version = excluded.parser_version, chunker_version = excluded.chunker_version,
             blob_key = excluded.blob_key, updated_at = excluded.updated_at`,
        )
        .run({
          id,
          collectionId: input.collectionId,
          source: input.source,
          fileName: input.fileName,
          title: input.title,
          format: input.format,
          contentHash: input.contentHash,
          byteSize: input.byteSize,
          pageCount: input.pageCount ?? null,
          chunkCount: write.chunks.length,
          warnings: JSON.stringify(input.warnings),
          tags: JSON.stringify(input.tags),
          parserVersion: input.parserVersion,
          chunkerVersion: input.chunkerVersion,
          blobKey: input.blobKey ?? null,
          createdAt: existing?.created_at ?? now,
          updatedAt: now,
        });
      this.db
        .prepare(
          `INSERT INTO document_texts (document_id, text, blocks) VALUES (?, ?, ?)
           ON CONFLICT(document_id) DO UPDATE SET text = excluded.text, blocks = excluded.blocks`,
        )
        .run(id, write.parsed.text, JSON.stringify(write.parsed.blocks));
      this.insertChunks(id, input.collectionId, write);
      writeTablesSqlite(this.db, id, input.collectionId, write.parsed.tables ?? []);
      return id;
    });
    const id = run.immediate();
    const stored = await this.getDocument(id);
    if (!stored) throw new Error(`document ${id} vanished after being written`);
    return stored;
  }

  private insertChunks(documentId: string, collectionId: string, write: DocumentWrite): void {
    const insertChunk = this.db.prepare(
      `INSERT INTO chunks (document_id, collection_id, ordinal, text, context, start_offset, end_offset,
         token_count, page, slide, sheet, title_terms, body_terms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertVector = this.db.prepare(
      'INSERT INTO chunk_vectors (embedder_id, chunk_id, dimension, vector) VALUES (?, ?, ?, ?)',
    );
    write.chunks.forEach((chunk, index) => {
      const terms = write.terms[index] ?? { title: [], body: [] };
      const result = insertChunk.run(
        documentId,
        collectionId,
        chunk.ordinal,
        chunk.text,
        chunk.context,
        chunk.start,
        chunk.end,
        chunk.tokenCount,
        chunk.page ?? null,
        chunk.slide ?? null,
        chunk.sheet ?? null,
        terms.title.join(' '),
        terms.body.join(' '),
      );
      const vector = write.vectors?.values[index];
      if (write.vectors && vector) {
        insertVector.run(
          write.vectors.embedderId,
          result.lastInsertRowid,
          write.vectors.dimension,
          vectorToBlob(vector),
        );
      }
    });
  }

  async deleteDocument(id: string): Promise<void> {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM chunks WHERE document_id = ?').run(id);
        this.db.prepare('DELETE FROM documents WHERE id = ?').run(id);
      })
      .immediate();
  }

  async getChunks(rowIds: readonly number[]): Promise<ChunkRecord[]> {
    if (rowIds.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT ${chunkColumns} FROM chunks WHERE id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(rowIds)) as ChunkRow[];
    const byId = new Map(rows.map((row) => [row.id, toChunkRecord(row)]));
    return rowIds.flatMap((rowId) => byId.get(rowId) ?? []);
  }

  async listDocumentChunks(documentId: string): Promise<ChunkRecord[]> {
    const rows = this.db
      .prepare(`SELECT ${chunkColumns} FROM chunks WHERE document_id = ? ORDER BY ordinal`)
      .all(documentId) as ChunkRow[];
    return rows.map(toChunkRecord);
  }

  async countChunks(collectionId?: string): Promise<number> {
    const row = (
      collectionId === undefined
        ? this.db.prepare('SELECT count(*) AS n FROM chunks').get()
        : this.db.prepare('SELECT count(*) AS n FROM chunks WHERE collection_id = ?').get(collectionId)
    ) as { n: number };
    return row.n;
  }

  async chunkChanges(cursor?: ChangeCursor): Promise<ChunkChanges> {
    return readChunkChanges(this.db, cursor);
  }

  async documentFilterInfo(documentIds?: readonly string[]): Promise<DocumentFilterInfo[]> {
    const rows = (
      documentIds
        ? this.db
            .prepare(
              'SELECT id, collection_id, tags, updated_at FROM documents WHERE id IN (SELECT value FROM json_each(?))',
            )
            .all(JSON.stringify(documentIds))
        : this.db.prepare('SELECT id, collection_id, tags, updated_at FROM documents').all()
    ) as { id: string; collection_id: string; tags: string; updated_at: string }[];
    return rows.map((row) => ({
      documentId: row.id,
      collectionId: row.collection_id,
      tags: JSON.parse(row.tags) as string[],
      updatedAt: row.updated_at,
    }));
  }

  async changeToken(): Promise<string> {
    const row = this.db
      .prepare(
        `SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'chunks') AS chunks,
                (SELECT seq FROM sqlite_sequence WHERE name = 'chunk_deletions') AS deletions`,
      )
      .get() as { chunks: number | null; deletions: number | null };
    return `${row.chunks ?? 0}:${row.deletions ?? 0}`;
  }

  async loadVectors(
    embedderId: string,
  ): Promise<{ rowIds: Int32Array; dimension: number; matrix: Float32Array }> {
    return readVectors(this.db, embedderId);
  }

  async loadVectorsOf(embedderId: string, rowIds: readonly number[]): Promise<VectorRows> {
    return readVectorsOf(this.db, embedderId, rowIds);
  }

  async vectorOwners(embedderId: string): Promise<VectorOwners> {
    return readVectorOwners(this.db, embedderId);
  }

  async chunksMissingVectors(
    embedderId: string,
    limit: number,
    collectionId?: string,
    afterId?: number,
  ): Promise<ChunkRecord[]> {
    return readChunksMissingVectors(this.db, embedderId, limit, collectionId, afterId);
  }

  async putVectors(embedderId: string, dimension: number, rows: { rowId: number; vector: Float32Array }[]) {
    writeVectors(this.db, embedderId, dimension, rows);
  }

  async countVectors(embedderId: string, collectionId?: string): Promise<number> {
    const row = (
      collectionId === undefined
        ? this.db.prepare('SELECT count(*) AS n FROM chunk_vectors WHERE embedder_id = ?').get(embedderId)
        : this.db
            .prepare(
              `SELECT count(*) AS n FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
               WHERE v.embedder_id = ? AND c.collection_id = ?`,
            )
            .get(embedderId, collectionId)
    ) as { n: number };
    return row.n;
  }

  async deleteVectors(embedderId: string, collectionId?: string): Promise<number> {
    if (collectionId === undefined)
      return this.db.prepare('DELETE FROM chunk_vectors WHERE embedder_id = ?').run(embedderId).changes;
    return this.db
      .prepare(
        `DELETE FROM chunk_vectors WHERE embedder_id = ?
         AND chunk_id IN (SELECT id FROM chunks WHERE collection_id = ?)`,
      )
      .run(embedderId, collectionId).changes;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
