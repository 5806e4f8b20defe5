import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { IngestOutcome } from '../../src/core/ingest/ingest.service.js';
import { describeWithDatasets, documentPath, type ManifestRow, readManifest } from '../fixtures/datasets.js';
import { createTestApp } from '../fixtures/test-app.js';

/**
 * Files the manifest marks ok that hold no text at all (checked by hand: empty table cells, empty
 * shapes, a 16×16 px fax image). They must be stored with a warning saying so, not fail.
 */
const textless = new Set([
  'docx/docx__tbl-having-tables.docx',
  'pptx/pptx__shp-groupshape.pptx',
  'pdf/pypdf__imagemagick-CCITTFaxDecode.pdf',
]);

const broken = new Set(['intentional-broken', 'accidentally-broken', 'intentional-broken (derived)']);

describeWithDatasets('ingesting every file of datasets/documents', () => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  const outcomes = new Map<string, { row: ManifestRow; outcome: IngestOutcome; ms: number }>();

  beforeAll(async () => {
    // Tight bounds so hostile files are stopped quickly; the limits are what is under test.
    app = await createTestApp({ parseTimeoutMs: 120_000, parseMemoryMb: 384 });
    const rows = readManifest().filter((row) => !row.category.includes('expected') && row.status !== '');
    for (const row of rows) {
      const started = performance.now();
      const outcome = await app.ingest.ingest({
        bytes: new Uint8Array(readFileSync(documentPath(row.file))),
        fileName: basename(row.file),
        source: row.file,
        collection: 'manifest',
      });
      outcomes.set(row.file, { row, outcome, ms: performance.now() - started });
    }
  }, 1_200_000);

  afterAll(async () => {
    await app?.dispose();
  });

  it('processes every manifest row and survives the hostile ones', () => {
    expect(outcomes.size).toBeGreaterThan(80);
    const table = [...outcomes.values()].map(
      ({ row, outcome, ms }) =>
        `${row.status.padEnd(28)} ${row.file.padEnd(60)} ${outcome.status.padEnd(8)} ${outcome.error?.code ?? `${outcome.chunks ?? 0} chunks`} ${Math.round(ms)}ms`,
    );
    console.log(table.join('\n'));
  });

  it('extracts text from every ok file', async () => {
    for (const { row, outcome } of outcomes.values()) {
      if (row.status !== 'ok') continue;
      expect(outcome.status, `${row.file}: ${outcome.error?.message}`).toBe('added');
      if (textless.has(row.file)) {
        expect(outcome.document?.warnings.length, row.file).toBeGreaterThan(0);
        continue;
      }
      expect(outcome.document?.chunkCount, row.file).toBeGreaterThan(0);
      const text = await app.store.getDocumentText(outcome.document!.id);
      expect(text?.trim().length, row.file).toBeGreaterThan(0);
    }
  });

  it('fails encrypted, broken and hostile files cleanly, naming the file', () => {
    for (const { row, outcome } of outcomes.values()) {
      if (outcome.status !== 'failed') continue;
      expect(outcome.error?.code, row.file).not.toBe('internal');
      expect(outcome.error?.message, row.file).toContain(basename(row.file));
      expect(outcome.error?.message.length, row.file).toBeLessThan(600);
    }
    const encrypted = [...outcomes.values()].filter(({ row }) => row.status === 'intentional-encrypted');
    expect(encrypted.length).toBeGreaterThan(5);
    for (const { row, outcome } of encrypted) {
      // A few open with an empty user password (e.g. owner-password-only PDFs): those must succeed.
      if (outcome.status === 'failed') {
        expect(['file_encrypted', 'password_incorrect'], `${row.file}: ${outcome.error?.message}`).toContain(
          outcome.error?.code,
        );
      } else expect(outcome.status, row.file).toBe('added');
    }
    for (const { row, outcome } of outcomes.values()) {
      if (!broken.has(row.status)) continue;
      // Broken files either fail with a precise reason or are recovered with what could be read.
      if (outcome.status === 'failed') expect(outcome.error?.code, row.file).not.toBe('parse_failed');
    }
  });

  it('opens encrypted PDFs with the password from the manifest', async () => {
    // The manifest writes passwords as `user=foo owner=baz`.
    const userPassword = (row: ManifestRow) => /user=([^\s(]+)/.exec(row.password)?.[1];
    const withPassword = [...outcomes.values()].filter(
      ({ row, outcome }) => row.format === 'pdf' && userPassword(row) && outcome.status === 'failed',
    );
    expect(withPassword.length).toBeGreaterThan(3);
    for (const { row } of withPassword) {
      const password = userPassword(row)!;
      const outcome = await app.ingest.ingest({
        bytes: new Uint8Array(readFileSync(documentPath(row.file))),
        fileName: basename(row.file),
        source: `${row.file}#password`,
        collection: 'manifest',
        password,
      });
      expect(outcome.status, `${row.file} with "${password}": ${outcome.error?.message}`).toBe('added');
    }
  });

  it('keeps every chunk an exact span of its document text', async () => {
    const documents = await app.store.listDocuments();
    const rows = (await app.store.chunkChanges()).added;
    const chunks = await app.store.getChunks(rows.map((row) => row.rowId));
    const texts = new Map<string, string>();
    for (const document of documents)
      texts.set(document.id, (await app.store.getDocumentText(document.id)) ?? '');
    for (const chunk of chunks) {
      expect(texts.get(chunk.documentId)?.slice(chunk.start, chunk.end)).toBe(chunk.text);
    }
  });

  it('leaves nothing half-stored: a second pass changes nothing', async () => {
    const before = await app.store.countChunks();
    for (const { row, outcome } of outcomes.values()) {
      if (outcome.status !== 'added') continue;
      const again = await app.ingest.ingest({
        bytes: new Uint8Array(readFileSync(documentPath(row.file))),
        fileName: basename(row.file),
        source: row.file,
        collection: 'manifest',
      });
      expect(again.status, row.file).toBe('unchanged');
    }
    expect(await app.store.countChunks()).toBe(before);
  });
});
