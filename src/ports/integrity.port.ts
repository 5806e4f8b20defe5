import type { ChunkRecord, DocumentRecord } from '../core/records.js';

/** The outcome of one consistency check: what it verifies and what it found. */
export interface IntegrityCheck {
  /** Stable name (`chunk-spans`, `term-stats`...). */
  name: string;
  /** What holds when the check passes, in words. */
  description: string;
  /** `error`: the data is wrong; `warning`: tolerated but worth a look (e.g. orphan originals). */
  severity: 'error' | 'warning';
  /** Rows or objects that break it; 0 when it holds. */
  problems: number;
  /** A few of them, for the operator (ids, short descriptions). */
  examples: string[];
}

/** A stored chunk with the analysed terms it was indexed with. */
export interface StoredChunk extends ChunkRecord {
  titleTerms: string[];
  bodyTerms: string[];
}

/** Everything stored for one document, read at one point in time. */
export interface StoredDocument {
  document: DocumentRecord;
  /** The extracted text; undefined when its row is missing. */
  text: string | undefined;
  chunks: StoredChunk[];
  /** How many of the document's chunks have a vector, per embedder id. */
  vectorsByEmbedder: Map<string, number>;
}

/** A blob key some row refers to, and which row. */
export interface BlobReference {
  key: string;
  /** `document:<id>` or `job:<id>:<state>`. */
  from: string;
  /** True when losing the blob loses data (a document's original, a job still to run). */
  required: boolean;
}

/**
 * Read-only consistency checks of a backend's database, for `lore check` and the fault suites. The
 * backend runs what only it can (PRAGMA integrity_check, postings against term statistics...) and
 * hands every document with its chunks, terms and vector counts to the backend-independent checks
 * (`src/operations/integrity/`).
 */
export interface DatabaseIntegrity {
  readonly backend: string;
  /** Checks done inside the database (structure, foreign keys, derived tables, queue leases). */
  databaseChecks(): Promise<IntegrityCheck[]>;
  /** Every document with what is stored for it, `batchSize` documents per read. */
  documents(batchSize?: number): AsyncIterable<StoredDocument>;
  /** Blob keys referenced by documents and jobs. */
  blobReferences(): Promise<BlobReference[]>;
}
