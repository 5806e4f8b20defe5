import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { runCli, startCli } from '../fixtures/cli.js';

const work = mkdtempSync(join(tmpdir(), 'lore-cli-'));
const dataDir = join(work, 'data');
const env = { LORE_DATA_DIR: dataDir };

const guide = `# Lore operations guide

## Backups

Lore writes a consistent snapshot of the database and the original files with lore backup.
The snapshot can be restored on another machine with lore restore.

## Retention

Audit records are kept for 400 days before they are deleted.
`;

describe('the lore CLI', () => {
  beforeAll(async () => {
    writeFileSync(join(work, 'guide.md'), guide);
    writeFileSync(
      join(work, 'notes.txt'),
      'The cafeteria serves soup on Tuesdays.\n\nParking is free after six.',
    );
    writeFileSync(join(work, 'broken.pdf'), '%PDF-1.7\n1 0 obj <<');
    const result = await runCli(['ingest', work, '--collection', 'handbook', '--tag', 'ops'], env);
    expect(result.stdout).toContain('guide.md (added');
    // The broken file fails alone, named, and the exit code says something failed.
    expect(result.stderr).toMatch(/broken\.pdf/);
    expect(result.code).toBe(2);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('skips unchanged files on a second run', async () => {
    const result = await runCli(
      ['ingest', join(work, 'guide.md'), '--collection', 'handbook', '--tag', 'ops'],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('unchanged');
  });

  it('searches with filters', async () => {
    const result = await runCli(['search', 'how long are audit records kept', '--json'], env);
    const parsed = JSON.parse(result.stdout) as {
      hits: { chunk: { text: string }; document: { fileName: string } }[];
    };
    expect(parsed.hits[0]?.chunk.text).toContain('400 days');
    const filtered = await runCli(['search', 'audit records', '--tag', 'nope', '--json'], env);
    expect((JSON.parse(filtered.stdout) as { hits: unknown[] }).hits).toEqual([]);
  });

  it('answers extractively with a cited span when no LLM is configured', async () => {
    const result = await runCli(['ask', 'How long are audit records kept?'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Extractive answer');
    expect(result.stdout).toMatch(/Audit records are kept for 400 days before they are deleted\. \[1\]/);
    expect(result.stdout).toMatch(/\[1\] Lore operations guide — guide\.md, characters \d+–\d+/);
    const events = await runCli(['ask', 'How long are audit records kept?', '--json'], env);
    const end = events.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { type: string; citations?: { start: number; end: number; quote: string }[] },
      )
      .find((event) => event.type === 'answer-end');
    const citation = end?.citations?.[0];
    expect(citation && guide.slice(citation.start, citation.end)).toBe(citation?.quote);
  });

  it('abstains when the documents do not say', async () => {
    const result = await runCli(['ask', 'What is the airspeed velocity of an unladen swallow?'], env);
    expect(result.stdout.trim()).toBe('The documents do not say.');
  });

  it('lists documents and removes one', async () => {
    const listed = await runCli(['documents', '--collection', 'handbook'], env);
    expect(listed.stdout).toMatch(/handbook\/guide\.md \(markdown, \d+ chunks\)/);
    expect(listed.stdout).toContain('2 documents');
    const removed = await runCli(
      ['remove', '--source', join(work, 'notes.txt'), '--collection', 'handbook'],
      env,
    );
    expect(removed.stdout).toContain('removed notes.txt');
    // Deleted through DocumentsService as the local user: audited like a deletion through the API.
    const app = await createApp(loadConfig({}, { dataDir }), { embedder: null, languageModel: null });
    try {
      const [entry] = await app.audit.list({ limit: 1, action: 'document.delete' });
      expect(entry).toMatchObject({ details: { fileName: 'notes.txt' } });
      expect(entry?.actorId).toBeUndefined();
    } finally {
      await app.close();
    }
    const after = await runCli(['search', 'cafeteria soup', '--json'], env);
    expect((JSON.parse(after.stdout) as { hits: unknown[] }).hits).toEqual([]);
    const missing = await runCli(['remove', 'no-such-id'], env);
    expect(missing.code).toBe(2);
  });

  it('reports invalid configuration clearly', async () => {
    const result = await runCli(['search', 'x'], { ...env, LORE_PORT: 'abc', LORE_MAX_PAGES: '-1' });
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('LORE_PORT');
    expect(result.stderr).toContain('LORE_MAX_PAGES');
  });

  it('serves the page, health and an SSE answer', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = startCli(['serve', '--port', String(port)], env);
    try {
      await new Promise<void>((resolveReady, reject) => {
        child.stdout?.on('data', (data: Buffer) => {
          if (data.toString().includes('serving')) resolveReady();
        });
        child.on('close', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(base)).text()).toContain('<title>Lore</title>');
      const sse = await (
        await fetch(`${base}/api/v1/ask?q=${encodeURIComponent('How long are audit records kept?')}`)
      ).text();
      expect(sse).toContain('event: answer-delta');
      expect(sse).toContain('event: citation-added');
      expect(sse).toContain('400 days');
      const error = await fetch(`${base}/api/v1/search`);
      expect(error.status).toBe(400);
      expect(await error.json()).toMatchObject({ error: { code: 'invalid_request' } });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
