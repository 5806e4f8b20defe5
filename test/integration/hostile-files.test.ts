import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostileCase, hostileCases, hostileMaxRows } from '../fixtures/hostile/cases.js';
import { createMigratedDatabase, describeWithPostgres } from '../fixtures/postgres.js';
import { failureViolations, fuzzApp, sampleRss } from '../fuzz/ingest-fuzz.harness.js';

/**
 * Issue 11, "Bad input": hostile files (zip and PDF bombs, entity expansion, XXE, deep nesting,
 * huge lines and tables, empty files, non-UTF-8 text) go through the real ingest service of an app
 * built by `createApp` (sandboxed parse worker, chunker, store, lexical index), each beside a good
 * file that must still be indexed and searchable. Generators: test/fixtures/hostile/.
 */
const parseTimeoutMs = 15_000;
const parseMemoryMb = 256;
/** Slack over the parse timeout for one whole ingestion (chunking, indexing, a loaded machine). */
const marginMs = 20_000;

type App = Awaited<ReturnType<typeof fuzzApp>>;

const word = (n: number): string => {
  let out = '';
  let rest = n;
  do {
    out += String.fromCharCode(97 + (rest % 26));
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return `hostilegood${out}`;
};

let counter = 0;

/**
 * The RSS allowed while one case is ingested: the sandbox stops a parse worker once RSS passes the
 * RSS at its start + 2 × its heap limit; the main process may then hold the file, its text, its
 * chunks and their index rows (a few copies of the input), plus 256 MiB for everything else.
 */
const rssBoundMb = (startMb: number, inputBytes: number): number =>
  startMb + 2 * parseMemoryMb + 256 + Math.ceil((6 * inputBytes) / 2 ** 20);

async function check(app: App, testCase: HostileCase): Promise<void> {
  const bytes = testCase.bytes();
  const marker = word(counter++);
  const startRssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  const rss = sampleRss();
  const started = performance.now();
  const [hostile, good] = await Promise.all([
    app.ingest.ingest({
      bytes,
      fileName: testCase.fileName,
      source: `hostile/${counter}/${testCase.fileName}`,
      collection: 'hostile',
    }),
    app.ingest.ingest({
      bytes: new TextEncoder().encode(
        `# Good neighbour\n\nThe marker beside ${testCase.fileName} is ${marker}.\n`,
      ),
      fileName: `good-${counter}.md`,
      source: `hostile/${counter}/good.md`,
      collection: 'hostile',
    }),
  ]);
  const ms = performance.now() - started;
  const peakMb = rss.stop();
  const summary = `${testCase.name}: ${hostile.status} ${hostile.error?.code ?? ''} ${hostile.error?.message ?? ''} (${Math.round(ms)} ms, RSS ${startRssMb} -> ${peakMb} MiB, ${bytes.length} bytes)`;
  console.log(summary);
  expect(failureViolations(hostile, testCase.fileName, testCase.name), summary).toEqual([]);
  expect(testCase.outcomes, summary).toContain(hostile.status === 'added' ? 'added' : hostile.error?.code);
  expect(ms, summary).toBeLessThan(parseTimeoutMs + marginMs + (testCase.extraMs ?? 0));
  if (hostile.status === 'added' && hostile.document) {
    const text = (await app.store.getDocumentText(hostile.document.id)) ?? '';
    for (const part of testCase.textIncludes ?? []) expect(text, summary).toContain(part);
    for (const part of testCase.textExcludes ?? []) expect(text, summary).not.toContain(part);
    if (testCase.warning) {
      const { code, includes } = testCase.warning;
      const warning = hostile.document.warnings.find((item) => item.code === code);
      expect(warning, `${summary}: warning ${code}`).toBeDefined();
      for (const part of includes) expect(warning?.message, summary).toContain(part);
    }
    if (testCase.maxTextChars !== undefined)
      expect(text.length, summary).toBeLessThanOrEqual(testCase.maxTextChars);
  }
  expect(peakMb, summary).toBeLessThanOrEqual(rssBoundMb(startRssMb, bytes.length));
  expect(good.status, `good file beside ${testCase.name}`).toBe('added');
  const hits = (await app.search.search({ query: marker, mode: 'lexical', limit: 5 })).hits;
  expect(
    hits.map((hit) => hit.document.id),
    `good file beside ${testCase.name} searchable`,
  ).toContain(good.document?.id);
}

function suite(backend: 'sqlite' | 'postgres', groups: string[]): void {
  let app: App;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const database = backend === 'postgres' ? await createMigratedDatabase() : undefined;
    drop = database?.drop;
    app = await fuzzApp({
      parseTimeoutMs,
      parseMemoryMb,
      parseConcurrency: 2,
      parseMaxRows: hostileMaxRows,
      ocr: 'off',
      ...(database ? { databaseUrl: database.url } : {}),
    });
  });
  afterAll(async () => {
    await app?.dispose();
    await drop?.();
  });
  const all = hostileCases();
  for (const group of groups) {
    describe(group, () => {
      for (const testCase of all[group] ?? []) it(testCase.name, () => check(app, testCase));
    });
  }
}

const allGroups = Object.keys(hostileCases());

describe('hostile files on SQLite', () => suite('sqlite', allGroups));

// The parse outcomes do not depend on the store; on PostgreSQL run what stresses storage and text.
describeWithPostgres('hostile files on PostgreSQL', () =>
  suite('postgres', ['XML entities', 'deep and long', 'empty files', 'encodings']),
);
