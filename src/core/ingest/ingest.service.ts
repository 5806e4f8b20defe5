import { createHash } from 'node:crypto';
import type { BlobStore } from '../../ports/blob-store.port.js';
import type { Chunker, ChunkOptions } from '../../ports/chunker.port.js';
import type { Embedder } from '../../ports/embedder.port.js';
import type { DocumentParsing } from '../../ports/parser.port.js';
import type { ChunkTerms, DocumentWrite, Store } from '../../ports/store.port.js';
import type { ChunkDraft } from '../document.js';
import { LoreError, toLoreError } from '../errors.js';
import type { DocumentRecord } from '../records.js';
import { tableExtractorVersion, tabularFormats } from '../tables/table.records.js';
import { analyze, analyzerVersion } from '../text/analyzer.js';

export interface IngestInput {
  bytes: Uint8Array;
  fileName: string;
  /** Identity of the file inside its collection: an absolute path, URL or external id. */
  source: string;
  collection: string;
  /**
   * The collection by id, which must still exist; wins over `collection`, so that a rename, or a new
   * collection taking the name after an upload, cannot send the file to a collection it was not meant for.
   */
  collectionId?: string;
  tags?: string[];
  password?: string;
  /** Title to use instead of the parsed one (e.g. a BEIR corpus title). */
  title?: string;
  /** Re-parse and re-index even when the content is unchanged. */
  force?: boolean;
  /** Called as the stages advance (pages parsed, chunks made, chunks embedded). */
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

/** How far one ingestion got; counts appear as they become known. */
export interface IngestProgress {
  pages?: number;
  chunks?: number;
  embedded?: number;
}

export type IngestStatus = 'added' | 'updated' | 'unchanged' | 'failed';

export interface IngestOutcome {
  status: IngestStatus;
  fileName: string;
  source: string;
  document?: DocumentRecord;
  error?: LoreError;
  pages?: number;
  chunks?: number;
}

export interface IngestDependencies {
  store: Store;
  blobs: BlobStore;
  parsing: DocumentParsing;
  chunker: Chunker;
  embedder?: Embedder;
  /** The embedder of a collection that names its own embedding profile (undefined: `embedder`). */
  collectionEmbedder?: (collectionId: string) => Promise<Embedder | undefined>;
  options: ChunkOptions & { maxFileBytes: number; maxPages: number; keepOriginals: boolean };
}

/**
 * Ingests one file: dedup by content hash, parse in the sandbox, chunk, analyse, embed, then write
 * document, chunks and vectors in one transaction. Never throws for a bad file: the outcome says why.
 * Throws LoreError('storage_unavailable') when the database cannot be reached (retry later).
 */
export class IngestService {
  constructor(private readonly deps: IngestDependencies) {}

  async ingest(input: IngestInput): Promise<IngestOutcome> {
    const base = { fileName: input.fileName, source: input.source };
    try {
      return { ...base, ...(await this.run(input)) };
    } catch (error) {
      const loreError = toLoreError(error, 'parse_failed');
      // The database being out of reach is not this file's fault: the caller retries later.
      if (loreError.code === 'storage_unavailable') throw loreError;
      const message = loreError.message.includes(input.fileName)
        ? loreError.message
        : `${input.fileName}: ${loreError.message}`;
      return {
        ...base,
        status: 'failed',
        error: new LoreError(loreError.code, message, { details: loreError.details }),
      };
    }
  }

  private async run(input: IngestInput): Promise<Omit<IngestOutcome, 'fileName' | 'source'>> {
    const { store, options } = this.deps;
    if (input.bytes.byteLength > options.maxFileBytes) {
      throw new LoreError(
        'file_too_large',
        `${input.fileName}: ${formatBytes(input.bytes.byteLength)} is larger than the limit of ${formatBytes(options.maxFileBytes)} (LORE_MAX_FILE_BYTES)`,
      );
    }
    const contentHash = createHash('sha256').update(input.bytes).digest('hex');
    const collection = input.collectionId
      ? await store.getCollection(input.collectionId)
      : await store.ensureCollection(input.collection);
    if (!collection) {
      throw new LoreError(
        'not_found',
        `the collection ${input.collection} was deleted before the file was indexed`,
      );
    }
    const existing = await store.findDocumentBySource(collection.id, input.source);
    if (
      !input.force &&
      existing &&
      existing.contentHash === contentHash &&
      existing.chunkerVersion === this.chunkerVersion() &&
      tablesCurrent(existing) &&
      sameTags(existing.tags, input.tags ?? existing.tags) &&
      (input.title === undefined || input.title === existing.title)
    ) {
      return { status: 'unchanged', document: existing };
    }
    const parsed = await this.deps.parsing.parse({
      bytes: input.bytes,
      fileName: input.fileName,
      ...(input.password === undefined ? {} : { password: input.password }),
    });
    if (parsed.pageCount !== undefined && parsed.pageCount > options.maxPages) {
      throw new LoreError(
        'too_many_pages',
        `${input.fileName}: ${parsed.pageCount} pages, more than the limit of ${options.maxPages} (LORE_MAX_PAGES)`,
      );
    }
    const title = input.title ?? parsed.title ?? stripExtension(input.fileName);
    const chunks = this.deps.chunker.chunk(parsed, options);
    const progress: IngestProgress = {
      ...(parsed.pageCount === undefined ? {} : { pages: parsed.pageCount }),
      chunks: chunks.length,
    };
    input.onProgress?.(progress);
    const terms = chunks.map((chunk) => chunkTerms(title, chunk));
    let vectors = await this.embed(
      await this.embedderFor(collection.id),
      title,
      chunks,
      input.signal,
      (embedded) => input.onProgress?.({ ...progress, embedded }),
    );
    const blobKey = options.keepOriginals ? await this.deps.blobs.put(input.bytes) : undefined;
    const write = (): DocumentWrite => ({
      document: {
        collectionId: collection.id,
        source: input.source,
        fileName: input.fileName,
        title,
        format: parsed.format,
        contentHash,
        byteSize: input.bytes.byteLength,
        ...(parsed.pageCount === undefined ? {} : { pageCount: parsed.pageCount }),
        warnings: parsed.warnings,
        tags: input.tags ?? existing?.tags ?? [],
        parserVersion: parsed.parserVersion,
        chunkerVersion: this.chunkerVersion(),
        ...(blobKey ? { blobKey } : {}),
      },
      parsed,
      chunks,
      terms,
      ...(vectors ? { vectors } : {}),
    });
    let document = await store.writeDocument(write());
    // An index generation that switched while this document was embedded (its final sweep may have
    // run before this write) would leave it with the retired embedder's vectors only: embed it again
    // with the generation now active and replace it. Read after the write, so no switch is missed.
    for (let attempt = 0; vectors && attempt < 3; attempt++) {
      const active = await this.embedderFor(collection.id, true);
      if (!active || active.id === vectors.embedderId) break;
      vectors = await this.embed(active, title, chunks, input.signal);
      document = await store.writeDocument(write());
    }
    if (existing?.blobKey && existing.blobKey !== blobKey) await this.releaseBlob(existing.blobKey);
    return {
      status: existing ? 'updated' : 'added',
      document,
      chunks: chunks.length,
      ...(parsed.pageCount === undefined ? {} : { pages: parsed.pageCount }),
    };
  }

  /** Deletes a document and, when nothing else uses it, its original file. */
  async remove(documentId: string): Promise<void> {
    const document = await this.deps.store.getDocument(documentId);
    if (!document) return;
    await this.deps.store.deleteDocument(documentId);
    if (document.blobKey) await this.releaseBlob(document.blobKey);
  }

  /**
   * Deletes an original no document and no job still to run refers to (a resubmitted upload of an
   * older version may be queued behind the one that replaced it). An upload of the same bytes racing
   * this stores them again after queueing its job (DocumentsService.upload).
   */
  private async releaseBlob(key: string): Promise<void> {
    if (!(await this.deps.store.blobInUse(key))) await this.deps.blobs.delete(key);
  }

  private chunkerVersion(): string {
    return `${this.deps.chunker.version};${this.deps.options.maxTokens}/${this.deps.options.overlapTokens};${analyzerVersion}`;
  }

  /**
   * The embedder for a collection's new vectors: its own profile's, else the active generation's.
   * `fresh` re-reads the active generation instead of trusting a recent read.
   */
  private async embedderFor(collectionId: string, fresh = false): Promise<Embedder | undefined> {
    if (!this.deps.embedder) return undefined;
    return (
      (await this.deps.collectionEmbedder?.(collectionId)) ??
      (await this.deps.embedder.pin?.({ fresh })) ??
      this.deps.embedder
    );
  }

  private async embed(
    embedder: Embedder | undefined,
    title: string,
    chunks: ChunkDraft[],
    signal?: AbortSignal,
    onEmbedded?: (count: number) => void,
  ) {
    if (!embedder || chunks.length === 0) return undefined;
    // One concrete embedder for the whole document, even if the index generation switches meanwhile.
    const texts = chunks.map((chunk) => embeddingText(title, chunk));
    const values: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += embedder.maxBatchSize) {
      values.push(...(await embedder.embed(texts.slice(i, i + embedder.maxBatchSize), 'document', signal)));
      onEmbedded?.(values.length);
    }
    return { embedderId: embedder.id, dimension: await embedder.dimension(), values };
  }
}

/** The text embedded for a chunk: document title and heading path give it context. */
export function embeddingText(title: string, chunk: Pick<ChunkDraft, 'context' | 'text'>): string {
  return [title, chunk.context, chunk.text].filter(Boolean).join('\n');
}

/**
 * Lexical fields of a chunk: the title field holds title + headings; the body holds the chunk with
 * its context and the title once (not again when the chunk itself starts with the title).
 */
export function chunkTerms(title: string, chunk: Pick<ChunkDraft, 'context' | 'text'>): ChunkTerms {
  const titleInside = title.length > 0 && chunk.text.trimStart().startsWith(title.trim());
  return {
    title: analyze(`${title}\n${chunk.context}`),
    body: analyze(`${titleInside ? '' : title}\n${chunk.context}\n${chunk.text}`),
  };
}

/** A spreadsheet stored before the current table extractor must be read again (its tables changed). */
function tablesCurrent(document: DocumentRecord): boolean {
  return !tabularFormats.has(document.format) || document.parserVersion.endsWith(`+${tableExtractorVersion}`);
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

function stripExtension(fileName: string): string {
  return fileName.replace(/\.[^./\\]+$/, '') || fileName;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
