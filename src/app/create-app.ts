import { pino } from 'pino';
import { StructureChunker } from '../adapters/chunk/structure.chunker.js';
import { SandboxedParser } from '../adapters/parse/sandboxed.parser.js';
import type { OpenSearchEngine } from '../adapters/search/opensearch/opensearch-engine.js';
import type { SiteCrawler } from '../adapters/web/site-crawler.js';
import type { LoreConfig } from '../config/config.schema.js';
import { AskService } from '../core/answer/ask.service.js';
import { CollectionSharing } from '../core/collections/collection-sharing.service.js';
import { CollectionsService } from '../core/collections/collections.service.js';
import { ConnectorSyncService } from '../core/connectors/connector-sync.service.js';
import { ConnectorsService } from '../core/connectors/connectors.service.js';
import { ChatService } from '../core/conversation/chat.service.js';
import { KnowledgeModels } from '../core/conversation/knowledge-models.js';
import { DocumentsService } from '../core/documents/documents.service.js';
import { AccessService } from '../core/identity/access.service.js';
import type { CollectionEmbeddings } from '../core/index-generation/collection-embeddings.service.js';
import type { EmbeddingGenerations } from '../core/index-generation/embedding-generations.service.js';
import { IngestService } from '../core/ingest/ingest.service.js';
import { CollectionDenseRoutes } from '../core/search/collection-dense-routes.js';
import { LexicalIndex } from '../core/search/lexical-index.js';
import { type SearchDependencies, SearchService } from '../core/search/search.service.js';
import { TableAnswerService } from '../core/tables/table-answer.service.js';
import { createLogger, type Logger } from '../operations/logger.js';
import type { AccessStore } from '../ports/access.port.js';
import type { AnalyticsStore } from '../ports/analytics.port.js';
import type { AuditLog } from '../ports/audit.port.js';
import type { BlobStore } from '../ports/blob-store.port.js';
import type { ConnectorStore } from '../ports/connector-store.port.js';
import type { ConversationStore } from '../ports/conversation.port.js';
import type { Embedder } from '../ports/embedder.port.js';
import type { EvaluationStore } from '../ports/evaluation.port.js';
import type { IdentityStore } from '../ports/identity.port.js';
import type { DatabaseIntegrity } from '../ports/integrity.port.js';
import type { LanguageModel } from '../ports/language-model.port.js';
import type { LoginAttemptStore } from '../ports/login-attempts.port.js';
import type { Maintenance } from '../ports/maintenance.port.js';
import type { Queue } from '../ports/queue.port.js';
import type { DenseRetriever, LexicalRetriever } from '../ports/retriever.port.js';
import type { DatabaseSnapshots } from '../ports/snapshot.port.js';
import type { Store } from '../ports/store.port.js';
import type { TableStore } from '../ports/table-store.port.js';
import { connectorOpener } from './connectors.js';
import { embeddedDense } from './dense-wiring.js';
import { wireModels } from './model-wiring.js';
import { openSearchEngine } from './search-engine.js';
import { openStorage } from './storage.js';
import { webFetcher, wireWebSources } from './web-sources.js';

/** Everything a Lore process uses, wired from one validated config. */
export interface LoreApp {
  config: LoreConfig;
  store: Store;
  queue: Queue;
  /** Leases, scheduled clean-ups and the database readiness check (operations). */
  maintenance: Maintenance;
  /** Consistent database snapshots for `lore backup`. */
  snapshots: DatabaseSnapshots;
  /** Read-only consistency checks of the database (`lore check`). */
  integrity: DatabaseIntegrity;
  blobs: BlobStore;
  identity: IdentityStore;
  /** Sign-in attempt windows shared by every process on the database. */
  loginAttempts: LoginAttemptStore;
  accessStore: AccessStore;
  access: AccessService;
  conversations: ConversationStore;
  analytics: AnalyticsStore;
  audit: AuditLog;
  parsing: SandboxedParser;
  ingest: IngestService;
  /** Collections as callers manage them (access-checked, deletions audited). */
  collections: CollectionsService;
  /** Who a collection is shared with (owner only, audited). */
  sharing: CollectionSharing;
  /** Documents as callers upload, read, re-index and delete them (access-checked, audited). */
  documents: DocumentsService;
  /** Web pages and sites as sources (the SSRF-safe fetcher behind it). */
  crawler: SiteCrawler;
  /** Connector definitions, runs and item versions. */
  connectors: ConnectorStore;
  /** Syncs a connector (S3, Git) into its collection. */
  connectorSync: ConnectorSyncService;
  /** Connector definitions as users manage them (access-checked), and the scheduled runs. */
  connectorAdmin: ConnectorsService;
  /** BM25: in memory (embedded), in SQL (PostgreSQL) or in OpenSearch (LORE_SEARCH_URL). */
  lexical: LexicalRetriever;
  /** The OpenSearch engine when LORE_SEARCH_URL is set (`lore reindex --search`). */
  searchEngine?: OpenSearchEngine;
  search: SearchService;
  ask: AskService;
  chat: ChatService;
  /** Collections offered as models (`lore`, `lore/<name>`) to OpenAI-compatible and MCP clients. */
  knowledgeModels: KnowledgeModels;
  embedder?: Embedder;
  languageModel?: LanguageModel;
  /** Embedding index generations (build/switch jobs); set when an embedder is configured. */
  generations?: EmbeddingGenerations;
  /** Per-collection embedding profiles (build/switch jobs per collection); set with `generations`. */
  collectionEmbeddings?: CollectionEmbeddings;
  /** Evaluation runs (absent where the storage backend has no adapter for them yet). */
  evaluations?: EvaluationStore;
  /** Typed tables of ingested spreadsheets. */
  tables: TableStore;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** Keep original files in the blob store (off for throwaway evaluation stores). */
  keepOriginals?: boolean;
  /** Replace the configured providers (tests, evaluation). */
  embedder?: Embedder | null;
  languageModel?: LanguageModel | null;
  /** Where the app's own components log (the embedded vector index); JSON on stderr when absent. */
  logger?: Logger;
}

/** The composition root: builds the embedded adapters and the use-cases over them. */
export async function createApp(config: LoreConfig, options: CreateAppOptions = {}): Promise<LoreApp> {
  // Embedded SQLite, or PostgreSQL when LORE_DATABASE_URL is set (src/app/storage.ts).
  const storage = await openStorage(config);
  const { store, queue, blobs } = storage;
  const operations = {
    maintenance: storage.maintenance,
    snapshots: storage.snapshots,
    integrity: storage.integrity,
  };
  const accessStore = storage.accessStore;
  const accounts = {
    identity: storage.identity,
    loginAttempts: storage.loginAttempts,
    accessStore,
    access: new AccessService({ access: accessStore, store }),
    conversations: storage.conversations,
    analytics: storage.analytics,
    audit: storage.audit,
  };
  // Providers, routing, fallback, embedding generations, query transforms (src/app/model-wiring.ts).
  const models = await wireModels(config, storage, options);
  const { embedder, languageModel } = models;
  const parsing = new SandboxedParser({
    timeoutMs: config.parseTimeoutMs,
    memoryMb: config.parseMemoryMb,
    concurrency: config.parseConcurrency,
    recycleAfter: 1000,
    limits: {
      maxPages: config.maxPages,
      ocr: config.ocr === 'auto',
      ocrPageTimeoutMs: config.ocrPageTimeoutMs,
      maxTableCells: config.tableMaxCells,
      maxRows: config.parseMaxRows,
    },
  });
  const ingest = new IngestService({
    store,
    blobs,
    parsing,
    chunker: new StructureChunker(),
    ...(embedder ? { embedder } : {}),
    ...(models.collectionEmbeddings
      ? { collectionEmbedder: (id: string) => models.collectionEmbeddings!.activeEmbedder(id) }
      : {}),
    options: {
      maxTokens: config.chunkTokens,
      overlapTokens: config.chunkOverlapTokens,
      maxFileBytes: config.maxFileBytes,
      maxPages: config.maxPages,
      keepOriginals: options.keepOriginals ?? true,
    },
  });
  const collections = new CollectionsService({
    store,
    access: accounts.access,
    accessStore,
    audit: accounts.audit,
    ...(models.collectionEmbeddings ? { embeddings: models.collectionEmbeddings } : {}),
  });
  const sharing = new CollectionSharing({
    access: accounts.access,
    accessStore,
    identity: accounts.identity,
    audit: accounts.audit,
  });
  const documents = new DocumentsService({
    store,
    blobs,
    queue,
    access: accounts.access,
    collections,
    ingest,
    audit: accounts.audit,
  });
  const openConnector = connectorOpener(config);
  const addressChecker = webFetcher(config);
  const connectorSync = new ConnectorSyncService({
    store,
    ingest,
    connectors: storage.connectors,
    open: openConnector,
    maxItemBytes: config.maxFileBytes,
  });
  const connectorAdmin = new ConnectorsService({
    connectors: storage.connectors,
    sync: connectorSync,
    access: accounts.access,
    store,
    ingest,
    checkWebAddress: (url) => addressChecker.check(url),
    sourcePrefix: (definition) => {
      const connector = openConnector(definition);
      void connector.close?.();
      return connector.sourcePrefix;
    },
  });
  const bm25 = {
    k1: config.bm25K1,
    b: config.bm25B,
    fieldWeights: { title: config.bm25TitleWeight, body: 1 },
  };
  const searchEngine = openSearchEngine(config, store, bm25, () => embedder);
  const lexical = searchEngine?.lexical ?? storage.lexicalRetriever?.(bm25) ?? new LexicalIndex(store, bm25);
  // OpenSearch when LORE_SEARCH_URL is set; else PostgreSQL ranks with pgvector, the embedded store
  // with the HNSW files or the exact scan.
  const logger = options.logger ?? createLogger(config, pino.destination(2));
  const embedded =
    searchEngine || storage.denseRetriever ? undefined : await embeddedDense(config, store, logger);
  const denseIndexFor = (of: Embedder) =>
    searchEngine?.dense(of) ?? storage.denseRetriever?.(of) ?? embedded!.indexFor(of);
  const search = new SearchService({
    store,
    lexical,
    ...(embedder ? { dense: denseSearch(store, embedder, denseIndexFor, models.collectionEmbeddings) } : {}),
    ...(models.reranker ? { reranker: models.reranker } : {}),
    fusion: { k: config.rrfK, lexicalWeight: config.lexicalWeight, denseWeight: config.denseWeight },
  });
  const tables =
    config.tableAnswers === 'on'
      ? new TableAnswerService({
          tables: storage.tables,
          documents: store,
          ...(languageModel && config.tableModelPlans === 'on' ? { languageModel } : {}),
          options: { catalogLimit: 500, candidates: 4, modelPlans: config.tableModelPlans === 'on' },
        })
      : undefined;
  const ask = new AskService({
    search,
    ...(tables ? { tables } : {}),
    ...(languageModel ? { languageModel } : {}),
    idf: (term) => lexical.idf(term),
    options: { sources: config.answerSources, abstainBelow: config.abstainBelow },
    ...models.askDependencies(search),
  });
  const chat = new ChatService({
    ask,
    access: accounts.access,
    conversations: accounts.conversations,
    analytics: accounts.analytics,
  });
  return {
    config,
    store,
    queue,
    ...operations,
    blobs,
    ...accounts,
    parsing,
    ingest,
    collections,
    sharing,
    documents,
    crawler: wireWebSources(config, ingest, store),
    connectors: storage.connectors,
    connectorSync,
    connectorAdmin,
    lexical,
    ...(searchEngine ? { searchEngine } : {}),
    search,
    ask,
    chat,
    knowledgeModels: new KnowledgeModels({ store, access: accounts.access, collections }),
    ...(embedder ? { embedder } : {}),
    ...(languageModel ? { languageModel } : {}),
    ...(models.generations ? { generations: models.generations } : {}),
    ...(models.collectionEmbeddings ? { collectionEmbeddings: models.collectionEmbeddings } : {}),
    ...(storage.evaluations ? { evaluations: storage.evaluations } : {}),
    tables: storage.tables,
    async close() {
      await parsing.close();
      await searchEngine?.close();
      await embedded?.close();
      await storage.close();
    },
  };
}

/** The dense side of search: the default index, split per collection embedder when profiles are in use. */
function denseSearch(
  store: Store,
  embedder: Embedder,
  indexFor: (embedder: Embedder) => DenseRetriever,
  collections: CollectionEmbeddings | undefined,
): NonNullable<SearchDependencies['dense']> {
  const fallback = { index: indexFor(embedder), embedder };
  if (!collections) return fallback;
  const routing = new CollectionDenseRoutes({ store, collections, fallback, indexFor });
  return { ...fallback, routes: (filter) => routing.routes(filter) };
}
