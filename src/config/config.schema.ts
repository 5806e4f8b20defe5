import { z } from 'zod';
import { embeddingProviderNames } from '../adapters/providers/ai-sdk/provider-names.js';
import { clientConfigShape, clientEnvNames } from './client-config.schema.js';
import { httpConfigShape, httpEnvNames } from './http-config.schema.js';
import { identityConfigShape, identityEnvNames } from './identity-config.schema.js';
import { providerConfigShape, providerEnvNames } from './provider-config.schema.js';
import { searchConfigShape, searchEnvNames } from './search-config.schema.js';
import { webConfigShape, webEnvNames } from './web-config.schema.js';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/**
 * Every setting of Lore: one schema, read from the environment (and CLI options, which win), validated
 * once at start-up. `docs/configuration.md` is generated from the descriptions here.
 */
export const configSchema = z.object({
  dataDir: z
    .string()
    .min(1)
    .default('./data')
    .describe('LORE_DATA_DIR: folder holding the database and original files'),
  datasetsDir: optionalText.describe(
    'LORE_DATASETS_DIR: folder of BEIR-layout datasets (one folder each) that administrators can evaluate from the web page',
  ),
  databaseUrl: optionalText
    .refine((value) => value === undefined || /^postgres(ql)?:\/\/./.test(value), {
      message: 'expected a postgres:// or postgresql:// URL (unset: the embedded SQLite database)',
    })
    .describe(
      'LORE_DATABASE_URL: PostgreSQL (with pgvector) holding everything but the original files, e.g. postgres://lore:secret@db:5432/lore; unset means the embedded SQLite database in LORE_DATA_DIR',
    ),
  dbPoolSize: integer(1, 1000)
    .default(10)
    .describe('LORE_DB_POOL_SIZE: PostgreSQL connections kept by each process'),
  dbConnectTimeoutMs: integer(100, 120_000)
    .default(2_000)
    .describe(
      'LORE_DB_CONNECT_TIMEOUT_MS: longest wait for a PostgreSQL connection (new, or free in the pool); past it a request answers 503 storage_unavailable instead of hanging',
    ),
  sqliteBusyTimeoutMs: integer(0, 600_000)
    .default(5_000)
    .describe(
      'LORE_SQLITE_BUSY_TIMEOUT_MS: how long an embedded-database write waits for another process’s lock before answering 503 storage_unavailable (the wait blocks the process)',
    ),
  dbBackgroundPoolSize: integer(1, 1000)
    .default(4)
    .describe(
      'LORE_DB_BACKGROUND_POOL_SIZE: PostgreSQL connections for background work in a process with the worker role (ingestion jobs, embedding backfills, evaluation runs, the scheduler), apart from the LORE_DB_POOL_SIZE connections that serve requests, so a busy worker cannot leave requests waiting for a connection',
    ),
  pgLexical: z
    .enum(['memory', 'sql'])
    .default('memory')
    .describe(
      'LORE_PG_LEXICAL: where PostgreSQL API processes rank BM25: `memory` keeps the index in each API process (loaded at start-up, then fed by the change log; /readyz reports not ready and searches rank in SQL until the load is done; costs memory, see docs/benchmarks.md), `sql` ranks in the database on every search',
    ),
  dbHnswEfSearch: integer(10, 1000)
    .default(100)
    .describe('LORE_DB_HNSW_EF_SEARCH: pgvector HNSW candidate list per dense search (recall vs speed)'),
  blobUrl: optionalText
    .refine((value) => value === undefined || /^(s3:\/\/[^/]+|file:\/\/\/|\/)/.test(value), {
      message: 'expected s3://bucket/prefix, file:///path or an absolute path',
    })
    .describe(
      'LORE_BLOB_URL: where original files are kept: s3://bucket/prefix, or a folder (file:///mnt/efs/lore, e.g. a shared EFS volume); unset means LORE_DATA_DIR/blobs',
    ),
  s3Endpoint: optionalText.describe(
    'LORE_S3_ENDPOINT: S3-compatible endpoint (MinIO, a local test server); unset means AWS S3',
  ),
  s3Region: z
    .string()
    .min(1)
    .default('us-west-2')
    .describe('LORE_S3_REGION (or AWS_REGION): region of the LORE_BLOB_URL bucket'),
  host: z.string().min(1).default('127.0.0.1').describe('LORE_HOST: address `lore serve` binds to'),
  port: integer(0, 65_535).default(7860).describe('LORE_PORT: port `lore serve` listens on'),
  landingUrl: z
    .string()
    .trim()
    .default('/about/')
    .refine((value) => value === '' || /^(https?:\/\/[^\s]+|\/[^\s]*)$/.test(value), {
      message: 'expected an http(s) URL or a path such as /about/ (empty: no link)',
    })
    .describe(
      'LORE_LANDING_URL: the public landing page the sign-in page links to (e.g. its CloudFront address); the default /about/ is the copy `lore serve` hosts; empty hides the link',
    ),
  logLevel: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('LORE_LOG_LEVEL: pino log level'),
  roles: z
    .string()
    .default('api,worker')
    .transform(parseRoles)
    .describe(
      'LORE_ROLES: what `lore serve` runs: `api`, `worker` or `api,worker`; processes with `worker` also run scheduled jobs',
    ),
  workerConcurrency: integer(1, 64)
    .default(1)
    .describe(
      'LORE_WORKER_CONCURRENCY: ingestion jobs one worker process runs at once (each parses in its own worker thread)',
    ),
  jobLeaseMs: integer(1_000, 3_600_000)
    .default(60_000)
    .describe(
      'LORE_JOB_LEASE_MS: how long a claimed job stays with its worker without a heartbeat (heartbeats every third of it); a job whose worker died is taken over after this',
    ),
  metricsToken: optionalText.describe(
    'LORE_METRICS_TOKEN: when set, `/metrics` requires `Authorization: Bearer <token>` (metrics carry user ids)',
  ),
  shutdownTimeoutMs: integer(100, 600_000)
    .default(10_000)
    .describe(
      'LORE_SHUTDOWN_TIMEOUT_MS: longest a SIGTERM/SIGINT shutdown may take before the process exits anyway',
    ),
  ...httpConfigShape,
  ...searchConfigShape,

  maxFileBytes: integer(1, 10 * 1024 ** 3)
    .default(100 * 1024 ** 2)
    .describe('LORE_MAX_FILE_BYTES: largest file accepted for ingestion'),
  maxDocumentsPerUpload: integer(1, 100_000)
    .default(20)
    .describe('LORE_MAX_DOCUMENTS_PER_UPLOAD: most files in one upload'),
  maxPages: integer(1, 1_000_000)
    .default(1000)
    .describe('LORE_MAX_PAGES: most pages (slides, sheets) per document'),
  parseMaxRows: integer(100, 10_000_000)
    .default(100_000)
    .describe(
      'LORE_PARSE_MAX_ROWS: rows read per spreadsheet or CSV file (all sheets together); rows past it are left out of search and table questions, with a `rows_truncated` warning on the document naming how many were kept and dropped',
    ),
  parseTimeoutMs: integer(1000, 3_600_000)
    .default(120_000)
    .describe('LORE_PARSE_TIMEOUT_MS: wall-clock limit for parsing one document'),
  parseMemoryMb: integer(64, 16_384)
    .default(512)
    .describe('LORE_PARSE_MEMORY_MB: heap limit of a parse worker'),
  parseConcurrency: integer(1, 64)
    .default(2)
    .describe('LORE_PARSE_CONCURRENCY: parse workers running at once'),
  ocr: z
    .enum(['auto', 'off'])
    .default('auto')
    .describe('LORE_OCR: OCR scanned PDF pages with tesseract when present'),
  ocrPageTimeoutMs: integer(1000, 600_000)
    .default(60_000)
    .describe('LORE_OCR_PAGE_TIMEOUT_MS: limit for one OCR page'),

  chunkTokens: integer(32, 8192).default(350).describe('LORE_CHUNK_TOKENS: token budget of one chunk'),
  chunkOverlapTokens: integer(0, 1024)
    .default(40)
    .describe('LORE_CHUNK_OVERLAP_TOKENS: overlap inside a section'),

  bm25K1: z.coerce
    .number()
    .min(0)
    .max(10)
    .default(1.2)
    .describe('LORE_BM25_K1: BM25 term-frequency saturation'),
  bm25B: z.coerce.number().min(0).max(1).default(0.75).describe('LORE_BM25_B: BM25 length normalisation'),
  bm25TitleWeight: z.coerce
    .number()
    .min(0)
    .max(10)
    .default(0.2)
    .describe('LORE_BM25_TITLE_WEIGHT: weight of the title field'),
  rrfK: integer(1, 1000).default(60).describe('LORE_RRF_K: reciprocal rank fusion constant'),
  vectorIndexEfSearch: integer(0, 4096)
    .default(0)
    .describe(
      'LORE_VECTOR_INDEX_EF_SEARCH: embedded HNSW candidate list per search (0: usearch default 64; larger: better recall, slower)',
    ),
  vectorIndexExactUpTo: integer(0, 10_000_000)
    .default(20_000)
    .describe(
      'LORE_VECTOR_INDEX_EXACT_UP_TO: with `hnsw`, an index of at most this many vectors answers every search with the exact scan (cheap at that size, and exact: HNSW lost 0.016 nDCG@10 on SciFact, docs/benchmarks.md); 0: always HNSW',
    ),
  vectorIndex: z
    .enum(['hnsw', 'exact'])
    .default('hnsw')
    .describe(
      'LORE_VECTOR_INDEX: embedded dense index: `hnsw` (usearch, saved in `<dataDir>/vectors/`, exact scan for restrictive filters) or `exact` (flat scan); PostgreSQL uses pgvector either way',
    ),
  lexicalWeight: z.coerce
    .number()
    .min(0)
    .max(10)
    .default(1)
    .describe('LORE_LEXICAL_WEIGHT: weight of BM25 in fusion'),
  denseWeight: z.coerce
    .number()
    .min(0)
    .max(10)
    .default(1)
    .describe('LORE_DENSE_WEIGHT: weight of vectors in fusion'),

  embedder: z
    .enum(['none', ...embeddingProviderNames, 'local-onnx'])
    .default('none')
    .describe(
      'LORE_EMBEDDER: dense retrieval provider: none, openai, azure, google, vertex, cohere, bedrock, mistral, openai-compatible, ollama or local-onnx',
    ),
  embeddingBaseUrl: optionalText.describe(
    'LORE_EMBEDDING_BASE_URL: embedding endpoint; required for openai-compatible (e.g. http://localhost:8080/v1 for TEI), optional override for the others',
  ),
  embeddingModel: optionalText.describe('LORE_EMBEDDING_MODEL: embedding model name'),
  embeddingApiKey: optionalText.describe(
    'LORE_EMBEDDING_API_KEY (or OPENAI_API_KEY): key for the embedding server',
  ),
  embeddingDimensions: integer(1, 16_384)
    .optional()
    .describe('LORE_EMBEDDING_DIMENSIONS: requested vector size'),
  embeddingModelPath: optionalText.describe(
    'LORE_EMBEDDING_MODEL_PATH: local ONNX model folder (transformers.js layout)',
  ),
  embeddingBatchSize: integer(1, 2048)
    .default(64)
    .describe('LORE_EMBEDDING_BATCH_SIZE: texts per embedding request'),

  llmBaseUrl: optionalText.describe(
    'LORE_LLM_BASE_URL: OpenAI-compatible chat server; unset means extractive answers',
  ),
  llmModel: optionalText.describe('LORE_LLM_MODEL: chat model name'),
  llmApiKey: optionalText.describe('LORE_LLM_API_KEY (or OPENAI_API_KEY): key for the chat server'),
  llmTimeoutMs: integer(1000, 600_000).default(120_000).describe('LORE_LLM_TIMEOUT_MS: limit for one answer'),
  ...providerConfigShape,
  ...identityConfigShape,
  ...webConfigShape,
  ...clientConfigShape,

  answerSources: integer(1, 50).default(8).describe('LORE_ANSWER_SOURCES: passages given to the model'),
  tableAnswers: z
    .enum(['on', 'off'])
    .default('on')
    .describe(
      'LORE_TABLE_ANSWERS: answer counts, totals, averages, min/max and filtered lists over ingested spreadsheets and CSV exactly, by computing over their typed rows',
    ),
  tableModelPlans: z
    .enum(['on', 'off'])
    .default('on')
    .describe(
      'LORE_TABLE_MODEL_PLANS: when a chat model is configured, let it write the (validated) table query plan; the rule-based parser is the fallback and the only planner without a model',
    ),
  tableMaxCells: integer(1000, 50_000_000)
    .default(1_000_000)
    .describe(
      'LORE_TABLE_MAX_CELLS: typed table cells kept per document; rows past it are left out of the tables (with a warning)',
    ),
  abstainBelow: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.4)
    .describe(
      'LORE_ABSTAIN_BELOW: IDF-weighted share of query terms the best passage must contain, else Lore abstains',
    ),
});

export type LoreConfig = z.infer<typeof configSchema>;

/** What a `lore serve` process runs: the HTTP API, the ingestion worker (and the scheduler), or both. */
export type Role = 'api' | 'worker';

/** Parses `LORE_ROLES` (`api`, `worker`, `api,worker`; spaces and order ignored). */
export function parseRoles(value: string, context: z.RefinementCtx): Role[] {
  const names = [
    ...new Set(
      value
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const unknown = names.filter((name) => name !== 'api' && name !== 'worker');
  if (names.length === 0 || unknown.length > 0) {
    context.addIssue({
      code: 'custom',
      message: `expected api, worker or api,worker; got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return (['api', 'worker'] as const).filter((role) => names.includes(role));
}

/** Environment variable for each config key. */
export const envNames: Record<keyof LoreConfig, string[]> = {
  dataDir: ['LORE_DATA_DIR'],
  datasetsDir: ['LORE_DATASETS_DIR'],
  databaseUrl: ['LORE_DATABASE_URL'],
  dbPoolSize: ['LORE_DB_POOL_SIZE'],
  dbConnectTimeoutMs: ['LORE_DB_CONNECT_TIMEOUT_MS'],
  sqliteBusyTimeoutMs: ['LORE_SQLITE_BUSY_TIMEOUT_MS'],
  dbHnswEfSearch: ['LORE_DB_HNSW_EF_SEARCH'],
  dbBackgroundPoolSize: ['LORE_DB_BACKGROUND_POOL_SIZE'],
  pgLexical: ['LORE_PG_LEXICAL'],
  blobUrl: ['LORE_BLOB_URL'],
  s3Endpoint: ['LORE_S3_ENDPOINT'],
  s3Region: ['LORE_S3_REGION', 'AWS_REGION'],
  host: ['LORE_HOST'],
  port: ['LORE_PORT'],
  landingUrl: ['LORE_LANDING_URL'],
  logLevel: ['LORE_LOG_LEVEL'],
  roles: ['LORE_ROLES'],
  shutdownTimeoutMs: ['LORE_SHUTDOWN_TIMEOUT_MS'],
  metricsToken: ['LORE_METRICS_TOKEN'],
  workerConcurrency: ['LORE_WORKER_CONCURRENCY'],
  ...httpEnvNames,
  ...searchEnvNames,
  jobLeaseMs: ['LORE_JOB_LEASE_MS'],
  maxFileBytes: ['LORE_MAX_FILE_BYTES'],
  maxDocumentsPerUpload: ['LORE_MAX_DOCUMENTS_PER_UPLOAD'],
  maxPages: ['LORE_MAX_PAGES'],
  parseMaxRows: ['LORE_PARSE_MAX_ROWS'],
  parseTimeoutMs: ['LORE_PARSE_TIMEOUT_MS'],
  parseMemoryMb: ['LORE_PARSE_MEMORY_MB'],
  parseConcurrency: ['LORE_PARSE_CONCURRENCY'],
  ocr: ['LORE_OCR'],
  ocrPageTimeoutMs: ['LORE_OCR_PAGE_TIMEOUT_MS'],
  chunkTokens: ['LORE_CHUNK_TOKENS'],
  chunkOverlapTokens: ['LORE_CHUNK_OVERLAP_TOKENS'],
  bm25K1: ['LORE_BM25_K1'],
  bm25B: ['LORE_BM25_B'],
  bm25TitleWeight: ['LORE_BM25_TITLE_WEIGHT'],
  rrfK: ['LORE_RRF_K'],
  vectorIndex: ['LORE_VECTOR_INDEX'],
  vectorIndexEfSearch: ['LORE_VECTOR_INDEX_EF_SEARCH'],
  vectorIndexExactUpTo: ['LORE_VECTOR_INDEX_EXACT_UP_TO'],
  lexicalWeight: ['LORE_LEXICAL_WEIGHT'],
  denseWeight: ['LORE_DENSE_WEIGHT'],
  embedder: ['LORE_EMBEDDER'],
  embeddingBaseUrl: ['LORE_EMBEDDING_BASE_URL'],
  embeddingModel: ['LORE_EMBEDDING_MODEL'],
  embeddingApiKey: ['LORE_EMBEDDING_API_KEY', 'OPENAI_API_KEY'],
  embeddingDimensions: ['LORE_EMBEDDING_DIMENSIONS'],
  embeddingModelPath: ['LORE_EMBEDDING_MODEL_PATH'],
  embeddingBatchSize: ['LORE_EMBEDDING_BATCH_SIZE'],
  llmBaseUrl: ['LORE_LLM_BASE_URL'],
  llmModel: ['LORE_LLM_MODEL'],
  llmApiKey: ['LORE_LLM_API_KEY', 'OPENAI_API_KEY'],
  llmTimeoutMs: ['LORE_LLM_TIMEOUT_MS'],
  ...providerEnvNames,
  ...identityEnvNames,
  ...webEnvNames,
  ...clientEnvNames,
  answerSources: ['LORE_ANSWER_SOURCES'],
  abstainBelow: ['LORE_ABSTAIN_BELOW'],
  tableAnswers: ['LORE_TABLE_ANSWERS'],
  tableModelPlans: ['LORE_TABLE_MODEL_PLANS'],
  tableMaxCells: ['LORE_TABLE_MAX_CELLS'],
};
