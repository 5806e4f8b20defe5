import { z } from 'zod';

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
  host: z.string().min(1).default('127.0.0.1').describe('LORE_HOST: address `lore serve` binds to'),
  port: integer(0, 65_535).default(7860).describe('LORE_PORT: port `lore serve` listens on'),
  logLevel: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('LORE_LOG_LEVEL: pino log level'),

  maxFileBytes: integer(1, 10 * 1024 ** 3)
    .default(100 * 1024 ** 2)
    .describe('LORE_MAX_FILE_BYTES: largest file accepted for ingestion'),
  maxDocumentsPerUpload: integer(1, 100_000)
    .default(20)
    .describe('LORE_MAX_DOCUMENTS_PER_UPLOAD: most files in one upload'),
  maxPages: integer(1, 1_000_000)
    .default(1000)
    .describe('LORE_MAX_PAGES: most pages (slides, sheets) per document'),
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
    .enum(['none', 'openai-compatible', 'local-onnx'])
    .default('none')
    .describe('LORE_EMBEDDER: dense retrieval provider'),
  embeddingBaseUrl: optionalText.describe(
    'LORE_EMBEDDING_BASE_URL: OpenAI-compatible server, e.g. http://localhost:11434/v1',
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

  answerSources: integer(1, 50).default(8).describe('LORE_ANSWER_SOURCES: passages given to the model'),
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

/** Environment variable for each config key. */
export const envNames: Record<keyof LoreConfig, string[]> = {
  dataDir: ['LORE_DATA_DIR'],
  host: ['LORE_HOST'],
  port: ['LORE_PORT'],
  logLevel: ['LORE_LOG_LEVEL'],
  maxFileBytes: ['LORE_MAX_FILE_BYTES'],
  maxDocumentsPerUpload: ['LORE_MAX_DOCUMENTS_PER_UPLOAD'],
  maxPages: ['LORE_MAX_PAGES'],
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
  answerSources: ['LORE_ANSWER_SOURCES'],
  abstainBelow: ['LORE_ABSTAIN_BELOW'],
};
