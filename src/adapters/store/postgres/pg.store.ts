import { randomUUID } from 'node:crypto';
import { LoreError } from '../../../core/errors.js';
import type { ChunkRecord, Collection, DocumentRecord } from '../../../core/records.js';
import type {
  ChangeCursor,
  ChunkChangeOptions,
  ChunkChanges,
  DocumentFilterInfo,
  DocumentListQuery,
  DocumentWrite,
  Store,
  VectorOwners,
  VectorRows,
} from '../../../ports/store.port.js';
import { inTransaction, type PgPool } from './database.js';
import { deleteDocumentRows, writeDocumentRows } from './pg-document-writer.js';
import {
  readChunkChanges,
  readChunksMissingVectors,
  readVectorOwners,
  readVectors,
  readVectorsOf,
  removeVectors,
  writeVectors,
} from './pg-index-feed.js';
import { VectorIndexes } from './pg-vector-indexes.js';
import {
  iso,
  type PgChunkRow,
  type PgCollectionRow,
  type PgDocumentRow,
  pgChunkColumns,
  pgCollectionColumns,
  toChunkRecord,
  toCollection,
  toDocumentRecord,
} from './rows.js';

/**
 * The scaled Store: PostgreSQL with pgvector. Writes of one document are one transaction that also
 * maintains the postings and BM25 statistics that `PgLexicalRetriever` ranks with.
 */
export class PgStore implements Store {
  readonly vectorIndexes: VectorIndexes;

  constructor(
    readonly pool: PgPool,
    private readonly ownsPool = true,
  ) {
    this.vectorIndexes = new VectorIndexes(pool);
  }

  async ensureCollection(name: string): Promise<Collection> {
    await this.pool.query(
      'INSERT INTO collections (id, name, created_at) VALUES ($1, $2, clock_timestamp()) ON CONFLICT (name) DO NOTHING',
      [randomUUID(), name],
    );
    const collection = await this.getCollectionByName(name);
    if (!collection) throw new Error(`collection ${name} vanished after being created`);
    return collection;
  }

  async getCollectionByName(name: string): Promise<Collection | undefined> {
    const result = await this.pool.query<PgCollectionRow>(
      `SELECT ${pgCollectionColumns} FROM collections WHERE name = $1`,
      [name],
    );
    return result.rows[0] && toCollection(result.rows[0]);
  }

  async getCollection(id: string): Promise<Collection | undefined> {
    const result = await this.pool.query<PgCollectionRow>(
      `SELECT ${pgCollectionColumns} FROM collections WHERE id = $1`,
      [id],
    );
    return result.rows[0] && toCollection(result.rows[0]);
  }

  async listCollections(): Promise<Collection[]> {
    const result = await this.pool.query<PgCollectionRow>(
      `SELECT ${pgCollectionColumns} FROM collections ORDER BY name COLLATE "C"`,
    );
    return result.rows.map(toCollection);
  }

  async updateCollection(
    id: string,
    patch: { name?: string; description?: string },
  ): Promise<Collection | undefined> {
    try {
      await this.pool.query(
        'UPDATE collections SET name = coalesce($1, name), description = coalesce($2, description) WHERE id = $3',
        [patch.name ?? null, patch.description ?? null, id],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new LoreError('conflict', `a collection named ${patch.name} already exists`);
      }
      throw error;
    }
    return this.getCollection(id);
  }

  async deleteCollection(id: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const documents = await client.query<{ id: string }>(
        'SELECT id FROM documents WHERE collection_id = $1 ORDER BY id',
        [id],
      );
      for (const row of documents.rows) await deleteDocumentRows(client, row.id);
      await client.query('DELETE FROM collections WHERE id = $1', [id]);
    });
  }

  async findDocumentBySource(collectionId: string, source: string): Promise<DocumentRecord | undefined> {
    const result = await this.pool.query<PgDocumentRow>(
      'SELECT * FROM documents WHERE collection_id = $1 AND source = $2',
      [collectionId, source],
    );
    return result.rows[0] && toDocumentRecord(result.rows[0]);
  }

  async getDocument(id: string): Promise<DocumentRecord | undefined> {
    const result = await this.pool.query<PgDocumentRow>('SELECT * FROM documents WHERE id = $1', [id]);
    return result.rows[0] && toDocumentRecord(result.rows[0]);
  }

  async getDocuments(ids: readonly string[]): Promise<DocumentRecord[]> {
    if (ids.length === 0) return [];
    const result = await this.pool.query<PgDocumentRow>(
      'SELECT * FROM documents WHERE id = ANY($1::text[])',
      [ids],
    );
    return result.rows.map(toDocumentRecord);
  }

  async blobInUse(key: string): Promise<boolean> {
    const result = await this.pool.query<{ used: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM documents WHERE blob_key = $1)
           OR EXISTS (SELECT 1 FROM jobs WHERE state IN ('queued', 'running') AND payload ->> 'blobKey' = $1) AS used`,
      [key],
    );
    return result.rows[0]?.used === true;
  }

  async listDocuments(query: DocumentListQuery = {}): Promise<DocumentRecord[]> {
    const result = await this.pool.query<PgDocumentRow>(
      `SELECT * FROM documents WHERE ($1::text IS NULL OR collection_id = $1)
         AND ($4::text[] IS NULL OR collection_id = ANY($4::text[]))
       ORDER BY updated_at DESC, id COLLATE "C" LIMIT $2 OFFSET $3`,
      [query.collectionId ?? null, query.limit ?? null, query.offset ?? 0, query.collectionIds ?? null],
    );
    return result.rows.map(toDocumentRecord);
  }

  async documentCounts(): Promise<Map<string, number>> {
    const result = await this.pool.query<{ collection_id: string; n: number }>(
      'SELECT collection_id, count(*) AS n FROM documents GROUP BY collection_id',
    );
    return new Map(result.rows.map((row) => [row.collection_id, row.n]));
  }

  async getDocumentText(id: string): Promise<string | undefined> {
    const result = await this.pool.query<{ text: string }>(
      'SELECT text FROM document_texts WHERE document_id = $1',
      [id],
    );
    return result.rows[0]?.text;
  }

  async writeDocument(write: DocumentWrite): Promise<DocumentRecord> {
    if (write.vectors) await this.vectorIndexes.ensure(write.vectors.embedderId, write.vectors.dimension);
    const id = await inTransaction(this.pool, (client) => writeDocumentRows(client, write));
    const stored = await this.getDocument(id);
    if (!stored) throw new Error(`document ${id} vanished after being written`);
    return stored;
  }

  async deleteDocument(id: string): Promise<void> {
    await inTransaction(this.pool, (client) => deleteDocumentRows(client, id));
  }

  async getChunks(rowIds: readonly number[]): Promise<ChunkRecord[]> {
    if (rowIds.length === 0) return [];
    const result = await this.pool.query<PgChunkRow>(
      `SELECT ${pgChunkColumns} FROM chunks WHERE id = ANY($1::integer[])`,
      [rowIds],
    );
    const byId = new Map(result.rows.map((row) => [row.id, toChunkRecord(row)]));
    return rowIds.flatMap((rowId) => byId.get(rowId) ?? []);
  }

  async listDocumentChunks(documentId: string): Promise<ChunkRecord[]> {
    const result = await this.pool.query<PgChunkRow>(
      `SELECT ${pgChunkColumns} FROM chunks WHERE document_id = $1 ORDER BY ordinal`,
      [documentId],
    );
    return result.rows.map(toChunkRecord);
  }

  async countChunks(collectionId?: string): Promise<number> {
    const result = await this.pool.query<{ n: number }>(
      'SELECT count(*) AS n FROM chunks WHERE $1::text IS NULL OR collection_id = $1',
      [collectionId ?? null],
    );
    return result.rows[0]?.n ?? 0;
  }

  async chunkChanges(cursor?: ChangeCursor, options?: ChunkChangeOptions): Promise<ChunkChanges> {
    return readChunkChanges(this.pool, cursor, options);
  }

  async documentFilterInfo(documentIds?: readonly string[]): Promise<DocumentFilterInfo[]> {
    const result = await this.pool.query<{
      id: string;
      collection_id: string;
      tags: string[];
      updated_at: Date;
    }>(
      `SELECT id, collection_id, tags, updated_at FROM documents
       WHERE $1::text[] IS NULL OR id = ANY($1::text[])`,
      [documentIds ?? null],
    );
    return result.rows.map((row) => ({
      documentId: row.id,
      collectionId: row.collection_id,
      tags: row.tags,
      updatedAt: iso(row.updated_at),
    }));
  }

  async changeToken(): Promise<string> {
    const result = await this.pool.query<{ chunks: number | null; deletions: number | null }>(
      `SELECT (SELECT max(id) FROM chunks) AS chunks, (SELECT max(id) FROM chunk_deletions) AS deletions`,
    );
    const row = result.rows[0];
    return `${row?.chunks ?? 0}:${row?.deletions ?? 0}`;
  }

  async loadVectors(
    embedderId: string,
  ): Promise<{ rowIds: Int32Array; dimension: number; matrix: Float32Array }> {
    return readVectors(this.pool, embedderId);
  }

  async loadVectorsOf(embedderId: string, rowIds: readonly number[]): Promise<VectorRows> {
    return readVectorsOf(this.pool, embedderId, rowIds);
  }

  async vectorOwners(embedderId: string): Promise<VectorOwners> {
    return readVectorOwners(this.pool, embedderId);
  }

  async chunksMissingVectors(
    embedderId: string,
    limit: number,
    collectionId?: string,
    afterId?: number,
  ): Promise<ChunkRecord[]> {
    return readChunksMissingVectors(this.pool, embedderId, limit, collectionId, afterId);
  }

  async putVectors(embedderId: string, dimension: number, rows: { rowId: number; vector: Float32Array }[]) {
    await this.vectorIndexes.ensure(embedderId, dimension);
    await writeVectors(this.pool, embedderId, dimension, rows);
  }

  async countVectors(embedderId: string, collectionId?: string): Promise<number> {
    const result = await this.pool.query<{ n: number }>(
      collectionId === undefined
        ? 'SELECT count(*) AS n FROM chunk_vectors WHERE embedder_id = $1'
        : `SELECT count(*) AS n FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
           WHERE v.embedder_id = $1 AND c.collection_id = $2`,
      collectionId === undefined ? [embedderId] : [embedderId, collectionId],
    );
    return result.rows[0]?.n ?? 0;
  }

  /**
   * Drops every vector of an embedder (a retired index generation) and its HNSW indexes, or only one
   * collection's vectors (the indexes stay while other vectors use them); returns how many.
   */
  async deleteVectors(embedderId: string, collectionId?: string): Promise<number> {
    const deleted = await removeVectors(this.pool, embedderId, collectionId);
    if (collectionId === undefined || (await this.countVectors(embedderId)) === 0)
      await this.vectorIndexes.drop(embedderId);
    return deleted;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const result = await this.pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [
      key,
    ]);
    return result.rows[0]?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }

  async close(): Promise<void> {
    if (this.ownsPool && !this.pool.ended) await this.pool.end();
  }
}
