import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createPool, migratePostgres } from '../../src/adapters/store/postgres/database.js';
import { createApp, type LoreApp } from '../../src/app/create-app.js';
import { createProfileEmbedder } from '../../src/app/providers.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { GenerationState } from '../../src/core/index-generation/embedding-generations.service.js';
import { type EmbeddingServer, startEmbeddingServer } from '../fixtures/openai-embeddings/server.js';
import { type PostgresCluster, startPostgresCluster } from '../fixtures/postgres-cluster.js';
import { type ChaosObserver, postgresObserver, sqliteObserver } from './chaos-observer.js';

export type ChaosBackend = 'sqlite' | 'postgres';

/**
 * One Lore installation for a fault run: the database (a SQLite data folder, or a PostgreSQL
 * database with a shared blob folder), the local embeddings endpoint, the environment every
 * `lore serve` of the run gets, a direct reader of the queue, and reference apps opened in this
 * process to compare against.
 */
export interface ChaosInstallation {
  backend: ChaosBackend;
  work: string;
  embeddings: EmbeddingServer;
  observer: ChaosObserver;
  /** Environment of a `lore serve` process named `name` with `roles`, serving embedding `profile`. */
  env(name: string, roles: string, profile: string, extra?: Record<string, string>): Record<string, string>;
  /** An app on the same storage with the active generation's embedder (read-only use; close it). */
  reference(): Promise<LoreApp>;
  dispose(): Promise<void>;
}

export interface InstallationOptions {
  backend: ChaosBackend;
  /** An empty PostgreSQL database (migrated or not); without it a throwaway cluster is started. */
  databaseUrl?: string;
  /** Latency of each embedding request and per text (ms). */
  embeddingDelayMs?: number;
  embeddingPerTextMs?: number;
}

/** Embedding profiles of every run: `default` (model chaos-a) and `b` (chaos-b), to switch between. */
export const chaosProfiles = ['default', 'b'] as const;

export async function openInstallation(options: InstallationOptions): Promise<ChaosInstallation> {
  const work = mkdtempSync(join(tmpdir(), `lore-chaos-${options.backend}-`));
  const embeddings = await startEmbeddingServer({
    delayMs: options.embeddingDelayMs ?? 10,
    perTextMs: options.embeddingPerTextMs ?? 2,
  });
  let cluster: PostgresCluster | undefined;
  let databaseUrl = options.databaseUrl;
  try {
    if (options.backend === 'postgres') {
      if (!databaseUrl) {
        cluster = await startPostgresCluster();
        const admin = new pg.Client({ connectionString: cluster.adminUrl });
        await admin.connect();
        await admin.query('CREATE DATABASE lore_chaos');
        await admin.end();
        databaseUrl = cluster.urlFor('lore_chaos');
      }
      const pool = createPool({ url: databaseUrl, max: 1 });
      await migratePostgres(pool, 'the chaos database').finally(() => pool.end());
    }
  } catch (error) {
    await embeddings.close();
    await cluster?.stop();
    throw error;
  }
  const dataDir = join(work, 'data');
  mkdirSync(dataDir, { recursive: true });
  const providerEnv = {
    LORE_EMBEDDER: 'openai-compatible',
    LORE_EMBEDDING_BASE_URL: embeddings.baseURL,
    LORE_EMBEDDING_MODEL: 'chaos-a',
    LORE_EMBEDDING_API_KEY: 'chaos-key',
    LORE_EMBEDDING_BATCH_SIZE: '4',
    LORE_EMBEDDING_PROFILES: JSON.stringify({
      b: { provider: 'openai-compatible', model: 'chaos-b', baseUrl: embeddings.baseURL },
    }),
  };
  const env = (name: string, roles: string, profile: string, extra: Record<string, string> = {}) => ({
    LORE_ROLES: roles,
    LORE_HOST: '127.0.0.1',
    LORE_USER_MANAGEMENT: 'off',
    LORE_LOG_LEVEL: 'warn',
    LORE_OCR: 'off',
    LORE_JOB_LEASE_MS: '3000',
    LORE_SHUTDOWN_TIMEOUT_MS: '4000',
    LORE_PARSE_CONCURRENCY: '1',
    LORE_MAX_DOCUMENTS_PER_UPLOAD: '50',
    LORE_CHUNK_TOKENS: '64',
    LORE_CHUNK_OVERLAP_TOKENS: '8',
    LORE_RATE_LIMIT_PER_MINUTE: '1000000',
    LORE_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000',
    LORE_EMBEDDING_PROFILE: profile,
    ...providerEnv,
    ...(options.backend === 'postgres'
      ? {
          LORE_DATABASE_URL: databaseUrl!,
          LORE_DB_POOL_SIZE: '4',
          LORE_DATA_DIR: join(work, `process-${name}`),
          LORE_BLOB_URL: pathToFileURL(join(work, 'blobs')).toString(),
        }
      : { LORE_DATA_DIR: dataDir }),
    ...extra,
  });
  const observer = options.backend === 'postgres' ? postgresObserver(databaseUrl!) : sqliteObserver(dataDir);
  return {
    backend: options.backend,
    work,
    embeddings,
    observer,
    env,
    async reference() {
      const config = loadConfig(env('reference', 'api', 'default'));
      const raw = await observer.setting('embedding.generations').catch(() => undefined);
      const active = raw ? (JSON.parse(raw) as GenerationState).active?.profile : undefined;
      return createApp(config, {
        embedder: createProfileEmbedder(config, active ?? 'default'),
        languageModel: null,
      });
    },
    async dispose() {
      await observer.close().catch(() => undefined);
      await embeddings.close();
      await cluster?.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
