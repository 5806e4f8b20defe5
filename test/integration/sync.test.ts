import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../fixtures/cli.js';

const work = mkdtempSync(join(tmpdir(), 'lore-sync-'));
const folder = join(work, 'notes');
const env = { LORE_DATA_DIR: join(work, 'data') };

async function sources(): Promise<string[]> {
  const result = await runCli(['search', 'note', '--limit', '50', '--json'], env);
  const parsed = JSON.parse(result.stdout) as { hits: { document: { fileName: string } }[] };
  return [...new Set(parsed.hits.map((hit) => hit.document.fileName))].sort();
}

describe('lore sync', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('mirrors a folder: adds, updates and deletes', async () => {
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'a.md'), '# A\n\nfirst note about apples');
    writeFileSync(join(folder, 'sub', 'b.txt'), 'second note about bananas');
    writeFileSync(join(folder, '.hidden.txt'), 'hidden note');
    const first = await runCli(['sync', folder], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('2 added');
    expect(await sources()).toEqual(['a.md', 'b.txt']);

    writeFileSync(join(folder, 'a.md'), '# A\n\nfirst note about apricots');
    unlinkSync(join(folder, 'sub', 'b.txt'));
    writeFileSync(join(folder, 'c.txt'), 'third note about cherries');
    const second = await runCli(['sync', folder], env);
    expect(second.stdout).toContain('1 added, 1 updated');
    expect(second.stdout).toContain('1 documents removed');
    expect(await sources()).toEqual(['a.md', 'c.txt']);
    const apples = await runCli(['search', 'apples', '--json'], env);
    expect((JSON.parse(apples.stdout) as { hits: unknown[] }).hits).toEqual([]);
  });

  it('applies changes as they happen with --watch', async () => {
    const child = startCli(['sync', folder, '--watch'], env);
    let output = '';
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 20_000;
      while (!output.includes(text)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}" in:\n${output}`);
        await new Promise((resolveWait) => setTimeout(resolveWait, 50));
      }
    };
    try {
      await waitFor('watching');
      writeFileSync(join(folder, 'd.txt'), 'fourth note about dates');
      await waitFor('d.txt (added)');
      unlinkSync(join(folder, 'c.txt'));
      await waitFor('c.txt (removed)');
      expect(await sources()).toEqual(['a.md', 'd.txt']);
    } finally {
      child.kill('SIGINT');
    }
  });
});
