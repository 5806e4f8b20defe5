import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { readBeirDataset } from '../../src/adapters/dataset/beir.reader.js';
import { runCli, startCli } from '../fixtures/cli.js';
import { datasetsDir, describeWithDatasets, documentPath } from '../fixtures/datasets.js';

const work = mkdtempSync(join(tmpdir(), 'lore-crash-'));

/** Chunks per source and integrity facts read straight from a data folder's database. */
function snapshot(dataDir: string) {
  const db = new Database(join(dataDir, 'lore.db'), { readonly: true });
  try {
    const perSource = db
      .prepare(
        `SELECT d.source AS source, count(c.id) AS chunks, d.chunk_count AS declared
         FROM documents d LEFT JOIN chunks c ON c.document_id = d.id GROUP BY d.id ORDER BY d.source`,
      )
      .all() as { source: string; chunks: number; declared: number }[];
    const duplicates = db
      .prepare(
        'SELECT count(*) AS n FROM (SELECT document_id, ordinal FROM chunks GROUP BY 1, 2 HAVING count(*) > 1)',
      )
      .get() as { n: number };
    const mismatched = db
      .prepare(
        `SELECT count(*) AS n FROM chunks c JOIN document_texts t ON t.document_id = c.document_id
         WHERE substr(t.text, c.start_offset + 1, c.end_offset - c.start_offset) <> c.text`,
      )
      .get() as { n: number };
    return { perSource, duplicates: duplicates.n, mismatched: mismatched.n };
  } finally {
    db.close();
  }
}

describeWithDatasets('crash during ingestion', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('kill -9 mid-batch, rerun: no lost or duplicated chunks', async () => {
    const folder = join(work, 'corpus');
    mkdirSync(folder);
    const dataset = readBeirDataset(join(datasetsDir, 'scifact'));
    for (const document of dataset.corpus.slice(0, 600)) {
      writeFileSync(join(folder, `${document.id}.md`), `# ${document.title}\n\n${document.text}\n`);
    }
    for (const file of [
      'docx/docx__tbl-having-tables.docx',
      'pptx/pptx__test.pptx',
      'pdf/pdfminer__simple1.pdf',
    ]) {
      copyFileSync(documentPath(file), join(folder, file.split('/')[1]!));
    }

    const reference = join(work, 'reference');
    const clean = await runCli(['ingest', folder, '--json'], { LORE_DATA_DIR: reference });
    expect(clean.code, clean.stderr).toBe(0);

    const crashed = join(work, 'crashed');
    const child = startCli(['ingest', folder, '--json'], { LORE_DATA_DIR: crashed });
    await new Promise<void>((resolveKill) => {
      let lines = 0;
      child.stdout?.on('data', (data: Buffer) => {
        lines += data.toString().split('\n').length - 1;
        if (lines >= 150 && !child.killed) {
          child.kill('SIGKILL');
          resolveKill();
        }
      });
      child.on('close', () => resolveKill());
    });
    const partial = snapshot(crashed);
    expect(partial.perSource.length).toBeGreaterThan(0);
    expect(partial.perSource.length).toBeLessThan(603);

    const rerun = await runCli(['ingest', folder, '--json'], { LORE_DATA_DIR: crashed });
    expect(rerun.code, rerun.stderr).toBe(0);
    const statuses = rerun.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { status: string }).status);
    expect(statuses.filter((status) => status === 'unchanged').length).toBeGreaterThanOrEqual(
      partial.perSource.length - 2,
    );

    const after = snapshot(crashed);
    const expected = snapshot(reference);
    expect(after.duplicates).toBe(0);
    expect(after.mismatched).toBe(0);
    expect(after.perSource).toEqual(expected.perSource);
    for (const row of after.perSource) expect(row.chunks).toBe(row.declared);
  });
});
