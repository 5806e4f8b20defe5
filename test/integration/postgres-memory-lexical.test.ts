import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPool, type PgPool } from '../../src/adapters/store/postgres/database.js';
import { PgLexicalRetriever } from '../../src/adapters/store/postgres/pg.lexical-retriever.js';
import type { Bm25Params } from '../../src/core/search/bm25.js';
import { LexicalIndex } from '../../src/core/search/lexical-index.js';
import { analyze } from '../../src/core/text/analyzer.js';
import type { LexicalHit } from '../../src/ports/retriever.port.js';
import { createMigratedDatabase, describeWithPostgres, type TestDatabase } from '../fixtures/postgres.js';
import { createTestApp } from '../fixtures/test-app.js';

// The in-memory BM25 index of an API process on PostgreSQL (LORE_PG_LEXICAL=memory) must rank
// exactly like BM25 in SQL, also after deletions and re-indexing, and its change feed must not skip
// a chunk whose transaction commits after a later one (ids are taken before commit).

const params: Bm25Params = { k1: 1.2, b: 0.75, fieldWeights: { title: 2, body: 1 } };

/** A seeded pseudo-random generator (mulberry32), so the corpus is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const next = random(20261207);
const syllables = ['ka', 'lo', 'mi', 'ter', 'van', 'dus', 'rop', 'sel', 'qui', 'bor', 'nex', 'fal'];
const vocabulary = Array.from(
  { length: 400 },
  (_, i) => `${syllables[i % 12]}${syllables[Math.floor(i / 12) % 12]}${syllables[Math.floor(i / 144)]}x`,
);
/** Zipf-like: low indexes are common. */
const word = () => vocabulary[Math.floor(vocabulary.length * next() ** 2.5)]!;
const text = (words: number) => Array.from({ length: words }, word).join(' ');
const documentText = (i: number) =>
  `# ${text(2 + Math.floor(next() * 3))}\n\n${text(15 + Math.floor(next() * 120))} doc${i}marker\n`;

const queries = Array.from({ length: 40 }, (_, i) => analyze(text(1 + (i % 4))));

/** Same top-k: scores rank by rank within 1e-6, and the same ids above the cut-off score. */
function expectSameRanking(memory: LexicalHit[], sql: LexicalHit[], query: string[]): void {
  expect(memory.length, query.join(' ')).toBe(sql.length);
  memory.forEach((hit, rank) => {
    expect(Math.abs(hit.score - sql[rank]!.score), `${query.join(' ')} rank ${rank}`).toBeLessThan(1e-6);
    expect(Math.abs(hit.coverage - sql[rank]!.coverage)).toBeLessThan(1e-6);
  });
  // Chunks tied with the last one may be cut at either side of the boundary; all others match.
  const cut = (sql.at(-1)?.score ?? 0) + 1e-6;
  const above = (hits: LexicalHit[]) =>
    hits
      .filter((hit) => hit.score > cut)
      .map((hit) => hit.rowId)
      .sort((a, b) => a - b);
  expect(above(memory)).toEqual(above(sql));
  // Outside ties, the order is the same too.
  const distinct = memory.filter(
    (hit, rank) =>
      Math.abs(hit.score - (memory[rank - 1]?.score ?? Number.POSITIVE_INFINITY)) > 1e-6 &&
      Math.abs(hit.score - (memory[rank + 1]?.score ?? Number.NEGATIVE_INFINITY)) > 1e-6,
  );
  for (const hit of distinct) expect(sql[memory.indexOf(hit)]!.rowId).toBe(hit.rowId);
}

describeWithPostgres('in-memory BM25 fed from PostgreSQL', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let pool: PgPool;

  const ingest = (i: number, body = documentText(i), collection = i % 3 === 0 ? 'beta' : 'alpha') =>
    app.ingest.ingest({
      bytes: new TextEncoder().encode(body),
      fileName: `doc-${i}.md`,
      source: `doc-${i}.md`,
      collection,
    });

  beforeAll(async () => {
    database = await createMigratedDatabase();
    app = await createTestApp({ databaseUrl: database.url, pgLexical: 'sql' });
    pool = createPool({ url: database.url, max: 3 });
  });

  afterAll(async () => {
    await pool?.end();
    await app?.dispose();
    await database?.drop();
  });

  it('ranks the same top-10 ids and scores as the SQL BM25, before and after deletes and re-indexing', async () => {
    for (let i = 0; i < 300; i++) {
      const outcome = await ingest(i);
      expect(outcome.status, JSON.stringify(outcome)).toBe('added');
    }
    const sql = new PgLexicalRetriever(pool, params);
    // A small step size, so the first load and the catch-up take many bounded reads.
    const memory = new LexicalIndex(app.store, params, { batchSize: 37 });
    await memory.refresh();
    expect(memory.loaded).toBe(true);
    let beta = '';
    const compare = async () => {
      const chunks = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks')).rows[0]!.n;
      expect(memory.size).toBe(chunks);
      let compared = 0;
      for (const query of queries) {
        if (query.length === 0) continue;
        const [fromMemory, fromSql] = [await memory.search(query, 10), await sql.search(query, 10)];
        expect(fromSql.length).toBeGreaterThan(0);
        expectSameRanking(fromMemory, fromSql, query);
        for (const term of query) expect(Math.abs(memory.idf(term) - sql.idf(term))).toBeLessThan(1e-9);
        const filter = { collectionIds: [beta] };
        expectSameRanking(await memory.search(query, 10, filter), await sql.search(query, 10, filter), query);
        compared++;
      }
      expect(compared).toBeGreaterThan(30);
    };
    beta = (await pool.query<{ id: string }>("SELECT id FROM collections WHERE name = 'beta'")).rows[0]!.id;
    await compare();

    // Deletions, re-indexing with new text (same source) and new documents, then a catch-up.
    const documents = await app.store.listDocuments({ limit: 1000 });
    const bySource = new Map(documents.map((document) => [document.source, document.id]));
    for (let i = 0; i < 60; i += 2) await app.store.deleteDocument(bySource.get(`doc-${i}.md`)!);
    for (let i = 1; i < 60; i += 2) expect((await ingest(i)).status).toBe('updated');
    for (let i = 300; i < 330; i++) expect((await ingest(i)).status).toBe('added');
    await memory.refresh();
    await compare();
    const gone = await memory.search(analyze('doc0marker'), 10);
    expect(gone).toEqual([]);
  });

  it('does not skip a chunk whose transaction commits after a later writer’s', async () => {
    const memory = new LexicalIndex(app.store, params, { batchSize: 1000 });
    await memory.refresh();
    // Hold a row lock on the first term (in sorted order) of the slow writer's statistics update,
    // which comes after its chunks are inserted: it waits there with its chunk ids taken.
    const blocker = 'aaaslowterm';
    const [term] = analyze(blocker);
    const lock = new pg.Client({ connectionString: database.url });
    await lock.connect();
    try {
      await lock.query(
        'INSERT INTO term_stats (term, field, df) VALUES ($1, 1, 0) ON CONFLICT (term, field) DO NOTHING',
        [term],
      );
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM term_stats WHERE term = $1 AND field = 1 FOR UPDATE', [term]);
      const slow = ingest(900, `# slow\n\n${blocker} slowmarker ${text(20)}\n`, 'alpha');
      for (let waited = 0; ; waited += 50) {
        const waiting = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO term_stats%'`,
        );
        if (waiting.rows[0]!.n > 0) break;
        if (waited > 20_000) throw new Error('the slow writer never reached its statistics update');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await ingest(901, `# fast\n\nfastmarker ${text(20)}\n`, 'alpha')).status).toBe('added');
      await memory.refresh();
      expect((await memory.search(analyze('fastmarker'), 10)).length).toBe(1);
      expect(await memory.search(analyze('slowmarker'), 10)).toEqual([]);
      await lock.query('ROLLBACK');
      expect((await slow).status).toBe('added');
      const ids = await pool.query<{ file_name: string; id: number }>(
        `SELECT d.file_name, min(c.id)::int AS id FROM chunks c JOIN documents d ON d.id = c.document_id
         WHERE d.file_name IN ('doc-900.md', 'doc-901.md') GROUP BY d.file_name ORDER BY d.file_name`,
      );
      // The slow writer's chunk ids are lower, yet it committed last.
      expect(ids.rows[0]!.id).toBeLessThan(ids.rows[1]!.id);
      await memory.refresh();
      const hits = await memory.search(analyze('slowmarker'), 10);
      expect(hits.map((hit) => hit.rowId)).toEqual([ids.rows[0]!.id]);
      const sql = new PgLexicalRetriever(pool, params);
      expectSameRanking(
        await memory.search(analyze('slowmarker fastmarker'), 10),
        await sql.search(analyze('slowmarker fastmarker'), 10),
        ['slowmarker', 'fastmarker'],
      );
    } finally {
      await lock.end();
    }
  });
});
