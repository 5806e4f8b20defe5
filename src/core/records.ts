import type { DocumentFormat, ParseWarning } from './document.js';

export interface Collection {
  id: string;
  name: string;
  description: string;
  /** The user who created it; absent for collections made by the CLI or before user management. */
  ownerId?: string;
  createdAt: string;
}

export type DocumentStatus = 'ready' | 'failed';

/** A stored document: one source file (or one BEIR corpus entry) in one collection. */
export interface DocumentRecord {
  id: string;
  collectionId: string;
  /** Where it came from: an absolute path, a URL, or an external id. Unique per collection. */
  source: string;
  fileName: string;
  title: string;
  format: DocumentFormat;
  /** sha256 of the original bytes; an unchanged re-ingest is a no-op. */
  contentHash: string;
  byteSize: number;
  pageCount?: number;
  chunkCount: number;
  warnings: ParseWarning[];
  tags: string[];
  parserVersion: string;
  chunkerVersion: string;
  /** Key of the original file in the BlobStore. */
  blobKey?: string;
  createdAt: string;
  updatedAt: string;
}

/** A stored chunk. `text` equals the document text between `start` and `end`. */
export interface ChunkRecord {
  id: number;
  documentId: string;
  collectionId: string;
  ordinal: number;
  text: string;
  context: string;
  start: number;
  end: number;
  tokenCount: number;
  page?: number;
  slide?: number;
  sheet?: string;
}

/** Restricts retrieval; applied inside the index scan, never after it. */
export interface SearchFilter {
  /** Only these collections (undefined: all). Access control passes the readable set here. */
  collectionIds?: readonly string[];
  documentIds?: readonly string[];
  /** Documents carrying every one of these tags. */
  tags?: readonly string[];
  /** ISO timestamps bounding the document's last update. */
  updatedAfter?: string;
  updatedBefore?: string;
}
