import type { ChunkDraft, ParsedDocument } from '../core/document.js';
import type { ChunkRecord, Collection, DocumentRecord } from '../core/records.js';

/** A new or replaced document with everything that must land in one transaction. */
export interface DocumentWrite {
  document: Omit<DocumentRecord, 'id' | 'createdAt' | 'updatedAt' | 'chunkCount'> & { id?: string };
  parsed: ParsedDocument;
  chunks: ChunkDraft[];
  /** Lexical terms per chunk, aligned with `chunks`, per field. */
  terms: ChunkTerms[];
  /** Vectors aligned with `chunks`, when an embedder is configured. */
  vectors?: { embedderId: string; dimension: number; values: Float32Array[] };
}

/** Analysed terms of one chunk, per indexed field. */
export interface ChunkTerms {
  title: string[];
  body: string[];
}

export interface DocumentListQuery {
  collectionId?: string;
  /** Only documents in these collections (access control passes the readable set). */
  collectionIds?: readonly string[];
  limit?: number;
  offset?: number;
}

/** A chunk as the lexical index loads it. */
export interface IndexedChunkRow {
  rowId: number;
  documentId: string;
  collectionId: string;
  terms: ChunkTerms;
}

/** Changes since a point, for indexes that live in memory. */
export interface ChunkChanges {
  added: IndexedChunkRow[];
  removedRowIds: number[];
  /**
   * The analysed terms of removed chunks, by row id, where the change log kept them (an index that
   * gets them drops the chunks from its statistics too; see `Bm25Index.remove`).
   */
  removedTerms?: Map<number, ChunkTerms>;
  /** Pass back to get the next changes. */
  cursor: ChangeCursor;
  /**
   * The cursor was older than the retained change log (pruned): `added` holds every chunk and the
   * caller must drop what it has before applying them.
   */
  reset?: boolean;
  /** `limit` cut this read short: ask again with the new cursor for the rest. */
  more?: boolean;
}

export interface ChangeCursor {
  lastRowId: number;
  lastDeletionId: number;
  /**
   * Ids at or below the last ones that concurrent writers may still commit (PostgreSQL: a writer
   * takes its ids before it commits, so ids become visible out of order). Reads re-check them until
   * every transaction that could hold them has ended; while any are listed, the cursor is not settled.
   */
  unsettled?: UnsettledIds[];
}

/** Id ranges (inclusive) seen missing from one snapshot, and when they settle. */
export interface UnsettledIds {
  rows: [number, number][];
  deletions: [number, number][];
  /** Settled once no transaction older than this one (a PostgreSQL xid8) is still running. */
  untilXid: string;
}

export interface ChunkChangeOptions {
  /** At most this many added rows and this many removals per read (default: all). */
  limit?: number;
}

/** Metadata used to evaluate filters (tags, dates) inside an index scan. */
export interface DocumentFilterInfo {
  documentId: string;
  collectionId: string;
  tags: string[];
  updatedAt: string;
}

/** The chunks that hold a vector of one embedder, with their document and collection (row id order). */
export interface VectorOwners {
  rowIds: Int32Array;
  documentIds: string[];
  collectionIds: string[];
}

/** Vectors of one embedder for some chunk rows, with their owners (an ANN index catching up). */
export interface VectorRows extends VectorOwners {
  /** 0 when no row had a vector. */
  dimension: number;
  /** `rowIds.length × dimension` values, row after row. */
  matrix: Float32Array;
}

/** Documents, chunks, vectors and settings. */
export interface Store {
  ensureCollection(name: string): Promise<Collection>;
  getCollectionByName(name: string): Promise<Collection | undefined>;
  getCollection(id: string): Promise<Collection | undefined>;
  listCollections(): Promise<Collection[]>;
  /** Throws LoreError `conflict` when the new name is taken. */
  updateCollection(
    id: string,
    patch: { name?: string; description?: string },
  ): Promise<Collection | undefined>;
  /** Deletes the collection with its documents, chunks, vectors and grants, atomically. */
  deleteCollection(id: string): Promise<void>;

  findDocumentBySource(collectionId: string, source: string): Promise<DocumentRecord | undefined>;
  getDocument(id: string): Promise<DocumentRecord | undefined>;
  /** Several documents at once (missing ids are skipped). */
  getDocuments(ids: readonly string[]): Promise<DocumentRecord[]>;
  listDocuments(query?: DocumentListQuery): Promise<DocumentRecord[]>;
  /** True while a document or a job still to run (queued or running) refers to the original `key`. */
  blobInUse(key: string): Promise<boolean>;
  /** Number of documents per collection id. */
  documentCounts(): Promise<Map<string, number>>;
  /** Extracted text of a document, for citation highlighting. */
  getDocumentText(id: string): Promise<string | undefined>;
  /**
   * Inserts a document or replaces an existing one (same id, or same collection + source)
   * together with its chunks, terms and vectors, atomically: readers see old or new, never a mix.
   */
  writeDocument(write: DocumentWrite): Promise<DocumentRecord>;
  deleteDocument(id: string): Promise<void>;

  getChunks(rowIds: readonly number[]): Promise<ChunkRecord[]>;
  /** A document's chunks in order. */
  listDocumentChunks(documentId: string): Promise<ChunkRecord[]>;
  /** Chunks in the store, or in one collection. */
  countChunks(collectionId?: string): Promise<number>;

  /** Rows added and removed since `cursor` (from the start when undefined). */
  chunkChanges(cursor?: ChangeCursor, options?: ChunkChangeOptions): Promise<ChunkChanges>;
  documentFilterInfo(documentIds?: readonly string[]): Promise<DocumentFilterInfo[]>;
  /** Cheap token that changes whenever chunks change (any process). */
  changeToken(): Promise<string>;

  /** Vectors of one embedder, for loading a dense index. */
  loadVectors(embedderId: string): Promise<{ rowIds: Int32Array; dimension: number; matrix: Float32Array }>;
  /** Vectors of one embedder for just these chunk rows (rows without one are left out), in row id order. */
  loadVectorsOf(embedderId: string, rowIds: readonly number[]): Promise<VectorRows>;
  /** Every chunk holding a vector of this embedder, without the vectors (an ANN index checks its rows). */
  vectorOwners(embedderId: string): Promise<VectorOwners>;
  /**
   * Chunks (of one collection, when given) that have no vector from this embedder yet, in id order,
   * after chunk `afterId` when given (a backfill pages on with it instead of rescanning what it did).
   */
  chunksMissingVectors(
    embedderId: string,
    limit: number,
    collectionId?: string,
    afterId?: number,
  ): Promise<ChunkRecord[]>;
  putVectors(
    embedderId: string,
    dimension: number,
    rows: { rowId: number; vector: Float32Array }[],
  ): Promise<void>;
  /** How many chunks (of one collection, when given) have a vector from this embedder (index-generation progress). */
  countVectors(embedderId: string, collectionId?: string): Promise<number>;
  /**
   * Deletes every vector of one embedder (a retired index generation), or only those of one
   * collection's chunks; returns how many.
   */
  deleteVectors(embedderId: string, collectionId?: string): Promise<number>;

  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  close(): Promise<void>;
}
