import { join } from 'node:path';
import { FileBlobStore } from '../adapters/blob/file.blob-store.js';
import { StructureChunker } from '../adapters/chunk/structure.chunker.js';
import { SandboxedParser } from '../adapters/parse/sandboxed.parser.js';
import { openDatabase } from '../adapters/store/sqlite/database.js';
import { SqliteAccessStore } from '../adapters/store/sqlite/sqlite.access-store.js';
import { SqliteAnalyticsStore } from '../adapters/store/sqlite/sqlite.analytics-store.js';
import { SqliteAuditLog } from '../adapters/store/sqlite/sqlite.audit-log.js';
import { SqliteConversationStore } from '../adapters/store/sqlite/sqlite.conversation-store.js';
import { SqliteIdentityStore } from '../adapters/store/sqlite/sqlite.identity-store.js';
import { SqliteQueue } from '../adapters/store/sqlite/sqlite.queue.js';
import { SqliteStore } from '../adapters/store/sqlite/sqlite.store.js';
import type { LoreConfig } from '../config/config.schema.js';
import { AskService } from '../core/answer/ask.service.js';
import { AccessService } from '../core/identity/access.service.js';
import { IngestService } from '../core/ingest/ingest.service.js';
import type { AccessStore } from '../ports/access.port.js';
import type { AnalyticsStore } from '../ports/analytics.port.js';
import type { AuditLog } from '../ports/audit.port.js';
import type { ConversationStore } from '../ports/conversation.port.js';
import type { IdentityStore } from '../ports/identity.port.js';
import { LexicalIndex } from '../core/search/lexical-index.js';
import { SearchService } from '../core/search/search.service.js';
import { VectorIndex } from '../core/search/vector-index.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { Embedder } from '../ports/embedder.port.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import type { Queue } from '../ports/queue.port.js';
import type { Store } from '../ports/store.port.js';
import { createEmbedder, createLanguageModel } from './providers.js';

/** Everything a Lore process uses, wired from one validated config. */
export interface LoreApp {
  config: LoreConfig;
  store: Store;
  queue: Queue;
  blobs: BlobStore;
  identity: IdentityStore;
  accessStore: AccessStore;
  access: AccessService;
  conversations: ConversationStore;
  analytics: AnalyticsStore;
  audit: AuditLog;
  parsing: SandboxedParser;
  ingest: IngestService;
  lexical: LexicalIndex;
  search: SearchService;
  ask: AskService;
  embedder?: Embedder;
  languageModel?: LanguageModel;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** Keep original files in the blob store (off for throwaway evaluation stores). */
  keepOriginals?: boolean;
  /** Replace the configured providers (tests, evaluation). */
  embedder?: Embedder | null;
  languageModel?: LanguageModel | null;
}

/** The composition root: builds the embedded adapters and the use-cases over them. */
export async function createApp(config: LoreConfig, options: CreateAppOptions = {}): Promise<LoreApp> {
  const db = openDatabase(join(config.dataDir, 'lore.db'));
  const store = new SqliteStore(db);
  const queue = new SqliteQueue(db);
  const blobs = new FileBlobStore(join(config.dataDir, 'blobs'));
  const accessStore = new SqliteAccessStore(db);
  const accounts = {
    identity: new SqliteIdentityStore(db),
    accessStore,
    access: new AccessService({ access: accessStore, store }),
    conversations: new SqliteConversationStore(db),
    analytics: new SqliteAnalyticsStore(db),
    audit: new SqliteAuditLog(db),
  };
  const embedder = options.embedder === null ? undefined : (options.embedder ?? createEmbedder(config));
  const languageModel =
    options.languageModel === null ? undefined : (options.languageModel ?? createLanguageModel(config));
  const parsing = new SandboxedParser({
    timeoutMs: config.parseTimeoutMs,
    memoryMb: config.parseMemoryMb,
    concurrency: config.parseConcurrency,
    recycleAfter: 1000,
    limits: {
      maxPages: config.maxPages,
      ocr: config.ocr === 'auto',
      ocrPageTimeoutMs: config.ocrPageTimeoutMs,
    },
  });
  const ingest = new IngestService({
    store,
    blobs,
    parsing,
    chunker: new StructureChunker(),
    ...(embedder ? { embedder } : {}),
    options: {
      maxTokens: config.chunkTokens,
      overlapTokens: config.chunkOverlapTokens,
      maxFileBytes: config.maxFileBytes,
      maxPages: config.maxPages,
      keepOriginals: options.keepOriginals ?? true,
    },
  });
  const lexical = new LexicalIndex(store, {
    k1: config.bm25K1,
    b: config.bm25B,
    fieldWeights: { title: config.bm25TitleWeight, body: 1 },
  });
  const search = new SearchService({
    store,
    lexical,
    ...(embedder ? { dense: { index: new VectorIndex(store, embedder), embedder } } : {}),
    fusion: { k: config.rrfK, lexicalWeight: config.lexicalWeight, denseWeight: config.denseWeight },
  });
  const ask = new AskService({
    search,
    ...(languageModel ? { languageModel } : {}),
    idf: (term) => lexical.idf(term),
    options: { sources: config.answerSources, abstainBelow: config.abstainBelow },
  });
  return {
    config,
    store,
    queue,
    blobs,
    ...accounts,
    parsing,
    ingest,
    lexical,
    search,
    ask,
    ...(embedder ? { embedder } : {}),
    ...(languageModel ? { languageModel } : {}),
    async close() {
      await parsing.close();
      await store.close();
    },
  };
}
