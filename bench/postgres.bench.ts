import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { FileBlobStore } from '../src/adapters/blob/file.blob-store.js';
import { createPool, migratePostgres, type PgPool } from '../src/adapters/store/postgres/database.js';
import { PgDenseRetriever } from '../src/adapters/store/postgres/pg.dense-retriever.js';
import { PgLexicalRetriever } from '../src/adapters/store/postgres/pg.lexical-retriever.js';
import { PgQueue } from '../src/adapters/store/postgres/pg.queue.js';
import { PgStore } from '../src/adapters/store/postgres/pg.store.js';
import { VectorIndexes, vectorShape } from '../src/adapters/store/postgres/pg-vector-indexes.js';
import { vectorLiteral } from '../src/adapters/store/postgres/rows.js';
import { percentile } from '../src/core/evaluation/metrics.js';
import { defaultBm25Params } from '../src/core/search/bm25.js';
import { LexicalIndex } from '../src/core/search/lexical-index.js';
import { analyze } from '../src/core/text/analyzer.js';
import { ingestJobKind } from '../src/worker/ingest-job.runner.js';
import { startCli } from '../test/fixtures/cli.js';
import { type PostgresCluster, startPostgresCluster } from '../test/fixtures/postgres-cluster.js';
import { type BenchCorpus, buildLargeCorpus } from './corpus.js';
import { defaultDenseSpec, makeDenseData, rowOf } from './dense-data.js';

// PostgreSQL backend benchmarks: ingest throughput with 1, 2 and 4 worker processes, BM25-in-SQL
// search latency at 100k and 1M chunks, pgvector HNSW latency and recall@10 against exact search.

export interface PostgresIngestResult {
  workers: number;
  documents: number;
  seconds: number;
  documentsPerSecond: number;
}

export interface PostgresSearchResult {
  chunks: number;
  loadSeconds: number;
  queries: number;
  lexical: { p50: number; p99: number; mean: number };
  /** The in-memory index of an API process (LORE_PG_LEXICAL=memory) over the same database. */
  memory?: {
    loadSeconds: number;
    rssMb: number;
    p50: number;
    p99: number;
    mean: number;
    /** Queries (of `compared`) whose top 10 equals the SQL BM25's: same ids, scores within 1e-6. */
    sameTop10: number;
    compared: number;
    gcExposed: boolean;
  };
  dense?: {
    vectors: number;
    dimension: number;
    indexBuildSeconds: number;
    hnsw: { p50: number; p99: number; efSearch: number };
    exact: { p50: number; p99: number };
    recallAt10: number;
  };
}

export interface PostgresBenchResult {
  server: string;
  settings: Record<string, string>;
  ingest: PostgresIngestResult[];
  search: PostgresSearchResult[];
}

export interface PostgresBenchOptions {
  scifact: BenchCorpus;
  datasetsDir: string;
  workers: number[];
  ingestDocuments: number;
  sizes: number[];
  /** Dense vectors are loaded for sizes up to this many chunks (HNSW builds are slow on 2 cores). */
  denseUpTo: number;
  dimension: number;
  log: (message: string) => void;
}

const settings = {
  shared_buffers: '2GB',
  work_mem: '64MB',
  maintenance_work_mem: '2GB',
  max_parallel_maintenance_workers: '1',
  effective_cache_size: '8GB',
};

/** Runs every part on one throwaway cluster (durable settings: fsync and synchronous commit on). */
export async function runPostgresBench(options: PostgresBenchOptions): Promise<PostgresBenchResult> {
  const cluster = await startPostgresCluster({ unsafeFast: false, settings });
  try {
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    const server = (await admin.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v.split(' on ')[0]!;
    await admin.end();
    const ingest: PostgresIngestResult[] = [];
    for (const workers of options.workers) ingest.push(await benchIngest(cluster, workers, options));
    const search: PostgresSearchResult[] = [];
    for (const size of options.sizes) search.push(await benchSearch(cluster, size, options));
    return { server, settings, ingest, search };
  } finally {
    await cluster.stop();
  }
}

let databaseCounter = 0;
async function freshDatabase(cluster: PostgresCluster): Promise<{ url: string; pool: PgPool }> {
  const name = `lore_bench_${process.pid}_${databaseCounter++}`;
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = cluster.urlFor(name);
  const pool = createPool({ url, max: 4 });
  await migratePostgres(pool, name);
  return { url, pool };
}

/** `workers` × `lore serve` with LORE_ROLES=worker draining `ingestDocuments` queued scifact documents. */
async function benchIngest(
  cluster: PostgresCluster,
  workers: number,
  options: PostgresBenchOptions,
): Promise<PostgresIngestResult> {
  const { url, pool } = await freshDatabase(cluster);
  const work = mkdtempSync(join(tmpdir(), 'lore-bench-pg-'));
  const blobs = new FileBlobStore(join(work, 'blobs'));
  const queue = new PgQueue(pool);
  const docs = options.scifact.docs.slice(0, options.ingestDocuments);
  for (const doc of docs) {
    const blobKey = await blobs.put(new TextEncoder().encode(`# ${doc.title}\n\n${doc.text}\n`));
    await queue.enqueue(ingestJobKind, {
      blobKey,
      fileName: `${doc.id}.md`,
      source: `${doc.id}.md`,
      collection: 'bench',
      tags: [],
    });
  }
  const started = performance.now();
  const children = Array.from({ length: workers }, (_, index) =>
    startCli(['serve'], {
      LORE_DATABASE_URL: url,
      LORE_DB_POOL_SIZE: '4',
      LORE_BLOB_URL: pathToFileURL(join(work, 'blobs')).toString(),
      LORE_DATA_DIR: join(work, `worker-${index}`),
      LORE_ROLES: 'worker',
      LORE_PORT: '0',
      LORE_USER_MANAGEMENT: 'off',
      LORE_LOG_LEVEL: 'error',
      LORE_PARSE_CONCURRENCY: '1',
    }),
  );
  for (;;) {
    const counts = await queue.counts();
    if (counts.done + counts.failed + counts.cancelled >= docs.length) break;
    if (children.every((child) => child.exitCode !== null)) throw new Error('every worker exited');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await pool.end();
  rmSync(work, { recursive: true, force: true });
  const result = { workers, documents: docs.length, seconds, documentsPerSecond: docs.length / seconds };
  options.log(`ingest on PostgreSQL, ${workers} worker(s): ${result.documentsPerSecond.toFixed(1)} docs/s`);
  return result;
}

/**
 * Loads `size` synthetic-but-realistic chunks (bench/corpus.ts large corpus: 3-sentence passages of
 * SciFact, CACM and PubMedQA text, analysed by Lore's analyzer) in bulk, derives postings and
 * statistics in SQL as `lore migrate-store` does, then times BM25 in SQL for every query.
 */
async function benchSearch(
  cluster: PostgresCluster,
  size: number,
  options: PostgresBenchOptions,
): Promise<PostgresSearchResult> {
  const { pool } = await freshDatabase(cluster);
  const loadStarted = performance.now();
  const corpus = buildLargeCorpus(options.datasetsDir, size).corpus;
  await pool.query(`INSERT INTO collections (id, name, created_at) VALUES ('c', 'bench', now())`);
  const perDocument = 20;
  for (let start = 0; start < corpus.docs.length; start += 5000) {
    const batch = corpus.docs.slice(start, start + 5000);
    const documentIds = [...new Set(batch.map((_, i) => `d${Math.floor((start + i) / perDocument)}`))];
    await pool.query(
      `INSERT INTO documents (id, collection_id, source, file_name, title, format, content_hash, byte_size,
         chunk_count, warnings, tags, parser_version, chunker_version, created_at, updated_at)
       SELECT id, 'c', id, id || '.md', id, 'markdown', id, 0, ${perDocument}, '[]', '{}', 'bench', 'bench', now(), now()
       FROM unnest($1::text[]) AS t(id) ON CONFLICT DO NOTHING`,
      [documentIds],
    );
    await pool.query(
      `INSERT INTO chunks (id, document_id, collection_id, ordinal, text, context, start_offset, end_offset,
         token_count, title_terms, body_terms)
       SELECT id, 'd' || ((id - 1) / ${perDocument}), 'c', (id - 1) % ${perDocument}, text, '', 0, length(text),
         0, string_to_array(title, ' '), string_to_array(body, ' ')
       FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[]) AS t(id, text, title, body)`,
      [
        batch.map((_, i) => start + i + 1),
        batch.map((doc) => doc.text),
        batch.map((doc) => analyze(doc.title).join(' ')),
        batch.map((doc) => analyze(doc.text).join(' ')),
      ],
    );
  }
  await derivePostings(pool);
  await pool.query('VACUUM ANALYZE');
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  options.log(`search on PostgreSQL: ${size} chunks loaded in ${loadSeconds.toFixed(0)} s`);

  const retriever = new PgLexicalRetriever(pool, defaultBm25Params);
  const queries = corpus.queries.map((query) => analyze(query.text)).filter((terms) => terms.length > 0);
  for (const terms of queries.slice(0, 50)) await retriever.search(terms, 10);
  const lexicalTimes: number[] = [];
  // Two timed passes; one at a million chunks (a pass there takes minutes on 2 cores).
  for (let round = 0; round < (size >= 500_000 ? 1 : 2); round++) {
    for (const terms of queries) {
      const started = performance.now();
      await retriever.search(terms, 10);
      lexicalTimes.push(performance.now() - started);
    }
  }
  const result: PostgresSearchResult = {
    chunks: size,
    loadSeconds,
    queries: queries.length,
    lexical: summary(lexicalTimes),
  };
  options.log(
    `  BM25 in SQL: p50 ${result.lexical.p50.toFixed(1)} ms, p99 ${result.lexical.p99.toFixed(1)} ms`,
  );
  result.memory = await benchMemoryLexical(pool, queries, lexicalTimes.length / queries.length, retriever);
  options.log(
    `  BM25 in memory (LORE_PG_LEXICAL=memory): load ${result.memory.loadSeconds.toFixed(1)} s, RSS +${result.memory.rssMb.toFixed(0)} MB, p50 ${result.memory.p50.toFixed(2)} ms, p99 ${result.memory.p99.toFixed(2)} ms, top-10 equal to SQL for ${result.memory.sameTop10}/${result.memory.compared} queries`,
  );
  if (size <= options.denseUpTo) result.dense = await benchDense(pool, size, options);
  await pool.end();
  return result;
}

/**
 * The in-memory index an API process keeps with LORE_PG_LEXICAL=memory, loaded from the change log
 * in the steps the app uses: load time, resident memory it adds, latency over the same queries, and
 * whether its top 10 equals the SQL BM25's (ids, scores within 1e-6).
 */
async function benchMemoryLexical(
  pool: PgPool,
  queries: string[][],
  rounds: number,
  sql: PgLexicalRetriever,
): Promise<NonNullable<PostgresSearchResult['memory']>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const index = new LexicalIndex(new PgStore(pool), defaultBm25Params, { batchSize: 5_000 });
  await index.refresh();
  const loadSeconds = (performance.now() - started) / 1000;
  gc?.();
  const rssMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
  for (const terms of queries.slice(0, 50)) await index.search(terms, 10);
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const terms of queries) {
      const begun = performance.now();
      await index.search(terms, 10);
      times.push(performance.now() - begun);
    }
  }
  let sameTop10 = 0;
  const compared = Math.min(queries.length, 100);
  for (const terms of queries.slice(0, compared)) {
    const [memory, inSql] = [await index.search(terms, 10), await sql.search(terms, 10)];
    const same =
      memory.length === inSql.length &&
      memory.every(
        (hit, rank) => hit.rowId === inSql[rank]!.rowId && Math.abs(hit.score - inSql[rank]!.score) < 1e-6,
      );
    if (same) sameTop10++;
  }
  return { loadSeconds, rssMb, ...summary(times), sameTop10, compared, gcExposed: gc !== undefined };
}

async function benchDense(
  pool: PgPool,
  size: number,
  options: PostgresBenchOptions,
): Promise<NonNullable<PostgresSearchResult['dense']>> {
  const { dimension } = options;
  const embedderId = `bench:${dimension}`;
  const data = makeDenseData({ ...defaultDenseSpec, count: size, dimension, extra: 0 });
  for (let start = 0; start < size; start += 2000) {
    const ids: number[] = [];
    const literals: string[] = [];
    for (let row = start; row < Math.min(size, start + 2000); row++) {
      ids.push(row + 1);
      literals.push(vectorLiteral(rowOf(data.vectors, dimension, row)));
    }
    await pool.query(
      `INSERT INTO chunk_vectors (embedder_id, chunk_id, dimension, vector)
       SELECT $1, id, $2, v::vector FROM unnest($3::integer[], $4::text[]) AS t(id, v)`,
      [embedderId, dimension, ids, literals],
    );
  }
  const buildStarted = performance.now();
  await new VectorIndexes(pool).ensure(embedderId, dimension);
  const indexBuildSeconds = (performance.now() - buildStarted) / 1000;
  await pool.query('ANALYZE chunk_vectors');
  options.log(`  HNSW over ${size} × ${dimension} built in ${indexBuildSeconds.toFixed(0)} s`);

  const efSearch = 100;
  const retriever = new PgDenseRetriever(pool, { id: embedderId }, { efSearch });
  const shape = vectorShape(embedderId, dimension);
  const hnswTimes: number[] = [];
  const exactTimes: number[] = [];
  let recalled = 0;
  const queryCount = data.spec.queries;
  for (let q = 0; q < queryCount; q++) {
    const vector = rowOf(data.queries, dimension, q);
    let started = performance.now();
    const approximate = await retriever.search(vector, 10);
    hnswTimes.push(performance.now() - started);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_indexscan = off');
      started = performance.now();
      const exact = await client.query<{ chunk_id: number }>(
        `SELECT v.chunk_id FROM chunk_vectors v WHERE ${shape.predicate('v')}
         ORDER BY ${shape.expression('v')} <=> ${shape.parameter('$1')} LIMIT 10`,
        [vectorLiteral(vector)],
      );
      exactTimes.push(performance.now() - started);
      await client.query('COMMIT');
      const truth = new Set(exact.rows.map((row) => row.chunk_id));
      recalled += approximate.filter((hit) => truth.has(hit.rowId)).length;
    } finally {
      client.release();
    }
  }
  const hnsw = summary(hnswTimes);
  const exact = summary(exactTimes);
  const recallAt10 = recalled / (queryCount * 10);
  options.log(
    `  HNSW p50 ${hnsw.p50.toFixed(1)} ms, p99 ${hnsw.p99.toFixed(1)} ms, recall@10 ${recallAt10.toFixed(3)}; exact p50 ${exact.p50.toFixed(1)} ms`,
  );
  return {
    vectors: size,
    dimension,
    indexBuildSeconds,
    hnsw: { p50: hnsw.p50, p99: hnsw.p99, efSearch },
    exact: { p50: exact.p50, p99: exact.p99 },
    recallAt10,
  };
}

async function derivePostings(pool: PgPool): Promise<void> {
  for (const [field, column] of [
    [0, 'title_terms'],
    [1, 'body_terms'],
  ] as const) {
    await pool.query(
      `INSERT INTO postings (term, field, chunk_id, tf, dl)
       SELECT t.term, ${field}, c.id, least(count(*), 65535), cardinality(c.${column})
       FROM chunks c CROSS JOIN LATERAL unnest(c.${column}) AS t(term)
       GROUP BY c.id, t.term`,
    );
    await pool.query(
      `UPDATE field_stats SET doc_count = (SELECT count(*) FROM chunks WHERE cardinality(${column}) > 0),
         total_length = (SELECT coalesce(sum(cardinality(${column})), 0) FROM chunks) WHERE field = ${field}`,
    );
  }
  await pool.query(
    'INSERT INTO term_stats (term, field, df) SELECT term, field, count(*) FROM postings GROUP BY 1, 2',
  );
}

function summary(values: number[]): { p50: number; p99: number; mean: number } {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    mean: values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length),
  };
}

/** The report section (docs/benchmarks.md). */
export function postgresMarkdown(result: PostgresBenchResult): string[] {
  const lines = [
    '## PostgreSQL backend',
    '',
    `${result.server}, pgvector; ${Object.entries(result.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}; fsync and synchronous_commit on.`,
    '',
    '| ingest workers (`lore serve`, LORE_ROLES=worker) | documents | seconds | documents/s |',
    '|---|---|---|---|',
    ...result.ingest.map(
      (row) =>
        `| ${row.workers} | ${row.documents} | ${row.seconds.toFixed(1)} | ${row.documentsPerSecond.toFixed(1)} |`,
    ),
    '',
    '| chunks | BM25 in SQL p50 ms | p99 ms | in memory: load s | RSS Δ MB | p50 ms | p99 ms | top-10 equal to SQL |',
    '|---|---|---|---|---|---|---|---|',
    ...result.search
      .map((row) =>
        [
          row.chunks,
          row.lexical.p50.toFixed(1),
          row.lexical.p99.toFixed(1),
          ...(row.memory
            ? [
                row.memory.loadSeconds.toFixed(1),
                row.memory.rssMb.toFixed(0),
                row.memory.p50.toFixed(2),
                row.memory.p99.toFixed(2),
                `${row.memory.sameTop10}/${row.memory.compared}`,
              ]
            : ['not run', '', '', '', '']),
        ].join(' | '),
      )
      .map((line) => `| ${line} |`),
    '',
    '| chunks | load s | queries | BM25 in SQL p50 ms | p99 ms | HNSW p50 ms | HNSW p99 ms | exact p50 ms | recall@10 | HNSW build s |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...result.search.map((row) =>
      [
        row.chunks,
        row.loadSeconds.toFixed(0),
        row.queries,
        row.lexical.p50.toFixed(1),
        row.lexical.p99.toFixed(1),
        row.dense ? row.dense.hnsw.p50.toFixed(1) : 'not run',
        row.dense ? row.dense.hnsw.p99.toFixed(1) : '',
        row.dense ? row.dense.exact.p50.toFixed(1) : '',
        row.dense ? row.dense.recallAt10.toFixed(3) : '',
        row.dense ? row.dense.indexBuildSeconds.toFixed(0) : '',
      ]
        .join(' | ')
        .replace(/^/, '| ')
        .concat(' |'),
    ),
    '',
  ];
  return lines;
}

/** Writes the raw result beside the other results. */
export function writePostgresResult(result: PostgresBenchResult, path: string): void {
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}
