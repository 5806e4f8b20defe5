import { expect, it } from 'vitest';
import { describeWithDatasets, readDocument, readManifest } from '../../../test/fixtures/datasets.js';
import type { ParsedDocument } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import type { ParseLimits } from '../../ports/parser.port.js';
import { pdfParser } from './pdf.parser.js';

const noOcr: ParseLimits = { maxPages: 1000, ocr: false, ocrPageTimeoutMs: 60_000 };

/** Parses a dataset file with OCR off. */
function parseDataset(file: string, password?: string, limits: ParseLimits = noOcr): Promise<ParsedDocument> {
  return pdfParser.parse({
    bytes: readDocument(file),
    fileName: file.split('/').pop() ?? file,
    format: 'pdf',
    password,
    limits,
  });
}

/** Checks the span invariants: non-empty, ordered, non-overlapping, each page contiguous. */
function expectValidBlocks(doc: ParsedDocument): void {
  let end = 0;
  let page = 1;
  for (const block of doc.blocks) {
    expect(block.start).toBeGreaterThanOrEqual(end);
    expect(block.end).toBeGreaterThan(block.start);
    expect(doc.text.slice(block.start, block.end).trim().length).toBeGreaterThan(0);
    expect(block.page).toBeGreaterThanOrEqual(page);
    expect(block.page).toBeLessThanOrEqual(doc.pageCount ?? 0);
    end = block.end;
    page = block.page ?? page;
  }
}

async function errorOf(promise: Promise<unknown>): Promise<LoreError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!LoreError.is(error)) throw new Error(`expected a LoreError, got ${String(error)}`);
  return error;
}

type Expected =
  | { error: 'file_encrypted'; passwords: string[]; contains: string }
  | { error: 'file_truncated' | 'file_corrupt' }
  | { pages: number; contains?: string[]; scannedPages?: number[] }
  | { sandbox: true };

/** Outcome of every PDF in the manifest with OCR off, as observed with pdf.js 5.6.205. */
const expected: Record<string, Expected> = {
  'pdf/ocrmypdf__no_contents.pdf': { pages: 1, scannedPages: [1] },
  'pdf/pdfminer__simple1.pdf': { pages: 1, contains: ['Hello World', 'H e l l o W o r l d'] },
  'pdf/pdfminer__issue-886-xref-stream-widths.pdf': { pages: 1, contains: ['Hello'] },
  'pdf/ocrmypdf__vector.pdf': { pages: 1, scannedPages: [1] },
  'pdf/pdfminer__issue-1113-evil-xobjects.pdf': { sandbox: true },
  // Broken xref: pdf.js rebuilds it and reads the page.
  'pdf/pypdf__issue-297.pdf': { pages: 1, contains: ['test example'] },
  // Invalid table of contents, which text extraction does not need; the page is a scan.
  'pdf/ocrmypdf__kcs.pdf': { pages: 1, scannedPages: [1] },
  'derived_truncated/dmca_truncated_50pct.pdf': { error: 'file_truncated' },
  'pdf/pdfminer__rc4-128.pdf': { error: 'file_encrypted', passwords: ['foo', 'baz'], contains: 'Secret!' },
  'pdf/pdfminer__rc4-40.pdf': { error: 'file_encrypted', passwords: ['foo', 'baz'], contains: 'Secret!' },
  'pdf/pdfminer__aes-128.pdf': { error: 'file_encrypted', passwords: ['foo', 'baz'], contains: 'Secret!' },
  'pdf/pdfminer__aes-256-r6.pdf': {
    error: 'file_encrypted',
    passwords: ['usersecret', 'ownersecret'],
    contains: 'Hello World',
  },
  // pdf.js never tries an empty owner password (pypdf does), so this one needs its user password.
  'pdf/pypdf__r6-user-password.pdf': {
    error: 'file_encrypted',
    passwords: ['asdfzxcv'],
    contains: 'pdf encryption test password: asdfzxcv',
  },
  // Empty user password: opens without one. Pages 1 and 3 are blank, page 2 is a scan.
  'pdf/pdfminer__encrypted_doc_no_id.pdf': { pages: 3, scannedPages: [1, 2, 3] },
  'pdf/ocrmypdf__hugemono.pdf': { sandbox: true },
  'pdf/pdfminer__f1040nr.pdf': {
    pages: 5,
    contains: ['U.S. Nonresident Alien Income Tax Return', 'Filing Status and Exemptions for Individuals'],
  },
  'pdf/ocrmypdf__multipage.pdf': {
    pages: 6,
    contains: ['Percentage [note 3]'],
    scannedPages: [1, 2, 3, 5, 6],
  },
  'pdf/ocrmypdf__epson.pdf': { pages: 1, scannedPages: [1] },
  'pdf/ocrmypdf__skew.pdf': { pages: 1, scannedPages: [1] },
  'pdf/pdfminer__kampo.pdf': {
    pages: 1,
    contains: ['道路交通法施行令の一部を改正する政令', '「行なわせる」を「行わせる」に'],
  },
  'pdf/ocrmypdf__2400dpi.pdf': { pages: 1, scannedPages: [1] },
  'pdf/pdfminer__pagelabels.pdf': { pages: 5, contains: ['3 Third section', 'More text here...'] },
  'pdf/pypdf__jpeg.pdf': { pages: 1, contains: ['A PDF with a JPEG image.'] },
  'pdf/pypdf__imagemagick-CCITTFaxDecode.pdf': { pages: 1, scannedPages: [1] },
  'pdf/pdfminer__naacl06-shinyama.pdf': {
    pages: 8,
    contains: ['Preemptive Information Extraction', 'Existing IE systems require a lot of time'],
  },
  'pdf/pypdf__multilang.pdf': {
    pages: 1,
    contains: ['Hello World', 'مرحبا بالعالم', 'Привет, мир', '你好世界', 'สวัสดีชาวโลก', 'こんにちは世界'],
  },
  'pdf/ocrmypdf__linn.pdf': { pages: 1, scannedPages: [1] },
};

describeWithDatasets('pdfParser on the manifest PDFs', () => {
  const rows = readManifest().filter((row) => row.format === 'pdf');

  it('has an expected outcome for every PDF in the manifest', () => {
    expect(rows.map((row) => row.file).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const row of rows) {
    const want = expected[row.file];
    if (!want || 'sandbox' in want) continue; // hostile files are tested through the worker sandbox
    it(`${row.file} (${row.status})`, async () => {
      if ('error' in want) {
        const error = await errorOf(parseDataset(row.file));
        expect(error.code).toBe(want.error);
        expect(error.message).toContain(row.file.split('/').pop());
        if (want.error === 'file_encrypted') {
          expect(error.message).toMatch(/password is needed.*--password/);
          for (const password of want.passwords) {
            const doc = await parseDataset(row.file, password);
            expect(doc.text).toContain(want.contains);
          }
          expect((await errorOf(parseDataset(row.file, 'not-the-password'))).code).toBe('password_incorrect');
        } else {
          expect(error.message).toMatch(/truncated/);
        }
        return;
      }
      const doc = await parseDataset(row.file);
      expect(doc.pageCount).toBe(want.pages);
      expect(doc.format).toBe('pdf');
      expect(doc.parserVersion).toBe('pdf@1');
      expect(doc.title?.length).toBeGreaterThan(0);
      for (const text of want.contains ?? []) expect(doc.text).toContain(text);
      const unavailable = doc.warnings
        .filter((warning) => warning.code === 'ocr_unavailable')
        .map((w) => w.page);
      expect(unavailable).toEqual(want.scannedPages ?? []);
      expectValidBlocks(doc);
    });
  }

  it('reads the two-column paper in column order, with headings and the metadata-free title', async () => {
    const doc = await parseDataset('pdf/pdfminer__naacl06-shinyama.pdf');
    expect(doc.title).toBe('Preemptive Information Extraction using Unrestricted Relation Discovery');
    // The sentence that crosses from the left to the right column stays whole.
    expect(doc.text).toContain(
      'you need to repeat the whole process: specify articles and adjust its patterns',
    );
    expect(doc.text.indexOf('1 Background')).toBeLessThan(doc.text.indexOf('An IE task can be defined'));
    const headings = doc.blocks
      .filter((block) => block.kind === 'heading')
      .map((b) => doc.text.slice(b.start, b.end));
    expect(headings).toContain('2 Basic Idea');
    const pages = new Set(doc.blocks.map((block) => block.page));
    expect([...pages]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('takes the title from the PDF metadata when there is one', async () => {
    expect((await parseDataset('pdf/pdfminer__f1040nr.pdf')).title).toBe('2007 Form 1040NR');
  });

  it('warns per page when OCR is off, and reports the page empty', async () => {
    const doc = await parseDataset('pdf/ocrmypdf__linn.pdf');
    expect(doc.text).toBe('');
    expect(doc.warnings).toEqual([
      {
        code: 'ocr_unavailable',
        page: 1,
        message: expect.stringMatching(/^page 1 has no text layer; OCR is turned off/),
      },
      { code: 'page_empty', page: 1, message: 'page 1 has no extractable text' },
    ]);
  });

  it('refuses documents with more pages than the limit', async () => {
    const error = await errorOf(
      parseDataset('pdf/pdfminer__f1040nr.pdf', undefined, { ...noOcr, maxPages: 2 }),
    );
    expect(error.code).toBe('too_many_pages');
    expect(error.message).toBe('pdfminer__f1040nr.pdf: 5 pages, more than the limit of 2 (LORE_MAX_PAGES)');
  });

  it('does not detach or change the input bytes', async () => {
    const bytes = readDocument('pdf/pypdf__jpeg.pdf');
    const copy = bytes.slice();
    await pdfParser.parse({ bytes, fileName: 'jpeg.pdf', format: 'pdf', limits: noOcr });
    expect(bytes).toEqual(copy);
  });
});
