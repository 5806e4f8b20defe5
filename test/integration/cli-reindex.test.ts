import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/cli.js';
import { type OpenSearchReplay, startOpenSearchReplay } from '../fixtures/opensearch/replay-server.js';

// `lore reindex` as a real process against the OpenSearch replay server (test/fixtures/opensearch),
// then `lore search` served from the index it built.

const work = mkdtempSync(join(tmpdir(), 'lore-cli-reindex-'));
const dataDir = join(work, 'data');

describe('lore reindex --search', () => {
  let replay: OpenSearchReplay;
  let env: Record<string, string>;

  beforeAll(async () => {
    replay = await startOpenSearchReplay();
    env = { LORE_DATA_DIR: dataDir, LORE_SEARCH_URL: replay.origin, LORE_SEARCH_REPLICAS: '0' };
    writeFileSync(
      join(work, 'notes.txt'),
      'The cafeteria serves soup on Tuesdays.\n\nParking is free after six.',
    );
    const ingest = await runCli(['ingest', join(work, 'notes.txt'), '--collection', 'handbook'], {
      LORE_DATA_DIR: dataDir,
    });
    expect(ingest.code).toBe(0);
  });

  afterAll(async () => {
    await replay?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses to run without LORE_SEARCH_URL, saying why', async () => {
    const result = await runCli(['reindex', '--search'], { LORE_DATA_DIR: dataDir });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('lore reindex --search needs LORE_SEARCH_URL');
  });

  it('builds the index from the database, then search reads it', async () => {
    const result = await runCli(['reindex', '--search'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^OpenSearch lore-replay \(green\): lore-chunks-lexical-[0-9a-f]{8} -> \S+, [1-9]\d* chunks, 0 vectors/,
    );
    const [alias, index] = [...replay.aliases][0]!;
    expect(replay.indexes.get(index)!.docs.size).toBeGreaterThan(0);
    const search = await runCli(['search', 'soup on tuesdays', '--json'], env);
    expect(search.code).toBe(0);
    expect(search.stdout).toContain('notes.txt');
    expect(replay.searches().some((entry) => entry.target === alias)).toBe(true);
  });
});
