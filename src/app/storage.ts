import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileBlobStore } from '../adapters/blob/file.blob-store.js';
import { parseS3Url, S3BlobStore } from '../adapters/blob/s3.blob-store.js';
import {
  assertSchemaCurrent,
  createPool,
  migratePostgres,
  redactUrl,
  routedPool,
} from '../adapters/store/postgres/database.js';
import { PgAccessStore } from '../adapters/store/postgres/pg.access-store.js';
import { PgAnalyticsStore } from '../adapters/store/postgres/pg.analytics-store.js';
import { PgAuditLog } from '../adapters/store/postgres/pg.audit-log.js';
import { PgConnectorStore } from '../adapters/store/postgres/pg.connector-store.js';
import { PgConversationStore } from '../adapters/store/postgres/pg.conversation-store.js';
import { PgDenseRetriever } from '../adapters/store/postgres/pg.dense-retriever.js';
import { PgEvaluationStore } from '../adapters/store/postgres/pg.evaluation-store.js';
import { PgIdentityStore } from '../adapters/store/postgres/pg.identity-store.js';
import { PgIntegrity } from '../adapters/store/postgres/pg.integrity.js';
import { PgLexicalRetriever } from '../adapters/store/postgres/pg.lexical-retriever.js';
import { PgLoginAttempts } from '../adapters/store/postgres/pg.login-attempts.js';
import { PgMaintenance } from '../adapters/store/postgres/pg.maintenance.js';
import { PgQueue } from '../adapters/store/postgres/pg.queue.js';
import { PgSnapshots } from '../adapters/store/postgres/pg.snapshots.js';
import { PgStore } from '../adapters/store/postgres/pg.store.js';
import { PgTableStore } from '../adapters/store/postgres/pg.table-store.js';
import { busyAttemptMs, retryWhenBusy } from '../adapters/store/sqlite/busy-retry.js';
import { openDatabase } from '../adapters/store/sqlite/database.js';
import { SqliteAccessStore } from '../adapters/store/sqlite/sqlite.access-store.js';
import { SqliteAnalyticsStore } from '../adapters/store/sqlite/sqlite.analytics-store.js';
import { SqliteAuditLog } from '../adapters/store/sqlite/sqlite.audit-log.js';
import { SqliteConnectorStore } from '../adapters/store/sqlite/sqlite.connector-store.js';
import { SqliteConversationStore } from '../adapters/store/sqlite/sqlite.conversation-store.js';
import { SqliteEvaluationStore } from '../adapters/store/sqlite/sqlite.evaluation-store.js';
import { SqliteIdentityStore } from '../adapters/store/sqlite/sqlite.identity-store.js';
import { SqliteIntegrity } from '../adapters/store/sqlite/sqlite.integrity.js';
import { SqliteLoginAttempts } from '../adapters/store/sqlite/sqlite.login-attempts.js';
import { SqliteMaintenance } from '../adapters/store/sqlite/sqlite.maintenance.js';
import { SqliteQueue } from '../adapters/store/sqlite/sqlite.queue.js';
import { SqliteSnapshots } from '../adapters/store/sqlite/sqlite.snapshots.js';
import { SqliteStore } from '../adapters/store/sqlite/sqlite.store.js';
import { SqliteTableStore } from '../adapters/store/sqlite/sqlite.table-store.js';
import type { LoreConfig } from '../config/config.schema.js';
import type { Bm25Params } from '../core/search/bm25.js';
import { LexicalIndex } from '../core/search/lexical-index.js';
import { ReplicaLexicalIndex } from '../core/search/replica-lexical-index.js';
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
import type { LoginAttemptStore } from '../ports/login-attempts.port.js';
import type { Maintenance } from '../ports/maintenance.port.js';
import type { Queue } from '../ports/queue.port.js';
import type { DenseRetriever, LexicalRetriever } from '../ports/retriever.port.js';
import type { DatabaseSnapshots } from '../ports/snapshot.port.js';
import type { Store } from '../ports/store.port.js';
import type { TableStore } from '../ports/table-store.port.js';

/** Changes an API process applies per step when its BM25 index is fed from PostgreSQL. */
const lexicalBatchSize = 5_000;

/** The adapters of one storage backend: every store port, the queue and the original files. */
export interface Storage {
  backend: 'sqlite' | 'postgres';
  store: Store;
  queue: Queue;
  maintenance: Maintenance;
  snapshots: DatabaseSnapshots;
  /** Read-only consistency checks (`lore check`). */
  integrity: DatabaseIntegrity;
  blobs: BlobStore;
  identity: IdentityStore;
  /** Sign-in attempt windows shared by every process on the database (login throttling). */
  loginAttempts: LoginAttemptStore;
  accessStore: AccessStore;
  conversations: ConversationStore;
  analytics: AnalyticsStore;
  audit: AuditLog;
  /** Evaluation runs (the evaluation page). */
  evaluations: EvaluationStore;
  /** Typed tables of spreadsheets (exact answers over tables). */
  tables: TableStore;
  /** Connector definitions, runs and item versions. */
  connectors: ConnectorStore;
  /** Retrieval inside the database; absent for the embedded backend (in-memory indexes). */
  lexicalRetriever?: (params: Bm25Params) => LexicalRetriever;
  denseRetriever?: (embedder: Embedder) => DenseRetriever;
  close(): Promise<void>;
}

/** The blob store LORE_BLOB_URL names: S3, a folder (a shared volume such as EFS), or `<dataDir>/blobs`. */
export function openBlobStore(
  config: Pick<LoreConfig, 'dataDir' | 'blobUrl' | 's3Region' | 's3Endpoint'>,
): BlobStore {
  const url = config.blobUrl;
  if (!url) return new FileBlobStore(join(config.dataDir, 'blobs'));
  if (url.startsWith('s3://')) {
    return new S3BlobStore({
      ...parseS3Url(url),
      region: config.s3Region,
      ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
    });
  }
  return new FileBlobStore(url.startsWith('file://') ? fileURLToPath(url) : url);
}

/** Releases what a blob store from `openBlobStore` holds (the S3 client's connections). */
export function closeBlobStore(blobs: BlobStore): void {
  if (blobs instanceof S3BlobStore) blobs.close();
}

/**
 * Opens the backend the config names: PostgreSQL when LORE_DATABASE_URL is set (its schema must be
 * current: `lore migrate` applies migrations, the app never does), otherwise the embedded SQLite
 * database in LORE_DATA_DIR (migrated automatically, as it always was).
 */
export async function openStorage(config: LoreConfig): Promise<Storage> {
  const blobs = openBlobStore(config);
  const closeBlobs = () => (blobs instanceof S3BlobStore ? blobs.close() : undefined);
  if (config.databaseUrl) {
    const where = redactUrl(config.databaseUrl);
    const requests = createPool({
      url: config.databaseUrl,
      max: config.dbPoolSize,
      connectTimeoutMs: config.dbConnectTimeoutMs,
    });
    // A process with the worker role gives its background work a pool of its own (routedPool).
    const pool = config.roles.includes('worker')
      ? routedPool(
          requests,
          createPool({
            url: config.databaseUrl,
            max: config.dbBackgroundPoolSize,
            connectTimeoutMs: config.dbConnectTimeoutMs,
            applicationName: 'lore-background',
            label: 'background',
          }),
        )
      : requests;
    try {
      await assertSchemaCurrent(pool, where);
    } catch (error) {
      await pool.end();
      throw error;
    }
    // Closing the store closes the pool (as closing the SQLite store closes its database).
    const store = new PgStore(pool);
    const replicas: ReplicaLexicalIndex[] = [];
    const lexicalRetriever = (params: Bm25Params): LexicalRetriever => {
      const sql = new PgLexicalRetriever(pool, params);
      if (config.pgLexical === 'sql' || !config.roles.includes('api')) return sql;
      // Each API process keeps BM25 in memory, fed by the change log (LORE_PG_LEXICAL=memory).
      const replica = new ReplicaLexicalIndex(
        new LexicalIndex(store, params, { batchSize: lexicalBatchSize }),
        sql,
      );
      replicas.push(replica);
      void replica.start();
      return replica;
    };
    return {
      backend: 'postgres',
      store,
      queue: new PgQueue(pool),
      maintenance: new PgMaintenance(pool),
      snapshots: new PgSnapshots(pool),
      integrity: new PgIntegrity(pool),
      blobs,
      identity: new PgIdentityStore(pool),
      loginAttempts: new PgLoginAttempts(pool),
      accessStore: new PgAccessStore(pool),
      conversations: new PgConversationStore(pool),
      analytics: new PgAnalyticsStore(pool),
      audit: new PgAuditLog(pool),
      evaluations: new PgEvaluationStore(pool),
      tables: new PgTableStore(pool),
      connectors: new PgConnectorStore(pool),
      lexicalRetriever,
      denseRetriever: (embedder) => new PgDenseRetriever(pool, embedder, { efSearch: config.dbHnswEfSearch }),
      async close() {
        closeBlobs();
        for (const replica of replicas) replica.close();
        if (!pool.ended) await pool.end();
      },
    };
  }
  // A write that finds the database locked waits asynchronously (retryWhenBusy), never long inside
  // SQLite's synchronous busy handler, so other requests keep being served meanwhile.
  const db = openDatabase(join(config.dataDir, 'lore.db'), {
    migrate: true,
    busyTimeoutMs: config.sqliteBusyTimeoutMs,
  });
  db.pragma(`busy_timeout = ${busyAttemptMs}`);
  const patient = <T extends object>(adapter: T) => retryWhenBusy(adapter, config.sqliteBusyTimeoutMs);
  const store = new SqliteStore(db);
  return {
    backend: 'sqlite',
    store: patient(store),
    queue: patient(new SqliteQueue(db)),
    maintenance: patient(new SqliteMaintenance(db)),
    snapshots: new SqliteSnapshots(db),
    integrity: new SqliteIntegrity(db),
    blobs,
    identity: patient(new SqliteIdentityStore(db)),
    loginAttempts: patient(new SqliteLoginAttempts(db)),
    accessStore: patient(new SqliteAccessStore(db)),
    conversations: patient(new SqliteConversationStore(db)),
    analytics: patient(new SqliteAnalyticsStore(db)),
    audit: patient(new SqliteAuditLog(db)),
    evaluations: patient(new SqliteEvaluationStore(db)),
    tables: patient(new SqliteTableStore(db)),
    connectors: patient(new SqliteConnectorStore(db)),
    async close() {
      closeBlobs();
      await store.close();
    },
  };
}

/** `lore migrate` for either backend: applies pending migrations and returns the schema version reached. */
export async function migrateStorage(config: LoreConfig): Promise<{ backend: string; version: number }> {
  if (config.databaseUrl) {
    const pool = createPool({ url: config.databaseUrl, max: 1 });
    try {
      const { to } = await migratePostgres(pool, redactUrl(config.databaseUrl));
      return { backend: 'postgres', version: to };
    } finally {
      await pool.end();
    }
  }
  const db = openDatabase(join(config.dataDir, 'lore.db'), { migrate: true });
  try {
    const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as {
      version: number;
    };
    return { backend: 'sqlite', version: row.version };
  } finally {
    db.close();
  }
}
