import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeRequiring,
  documentPath,
  hasDatasets,
  readDocument,
} from '../../../test/fixtures/datasets.js';
import type { ParsedDocument } from '../../core/document.js';
import { pdfParser } from './pdf.parser.js';
import { ocrDpi } from './pdf-ocr.js';

describe('ocrDpi', () => {
  it('renders ordinary pages at 200 dpi, small pages sharper and huge pages coarser', () => {
    expect(ocrDpi(595, 842)).toBe(200); // A4
    expect(ocrDpi(612, 792)).toBe(200); // US Letter
    expect(ocrDpi(120, 86)).toBe(600); // a card-sized scan
    const poster = ocrDpi(8400, 8400); // ocrmypdf hugemono.pdf: 116 × 116 inches
    expect(poster).toBeLessThan(60);
    expect((8400 / 72) * poster * ((8400 / 72) * poster)).toBeLessThanOrEqual(36_000_000);
  });
});

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return dir.length > 0;
    } catch {
      return false;
    }
  });
}

const missingTools = ['tesseract', 'pdftoppm'].filter((tool) => !onPath(tool));

/** Word recall of the reference (multiset, case-folded): the share of its words the OCR found. */
function wordOverlap(candidate: string, reference: string): { recall: number; precision: number } {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const counts = new Map<string, number>();
  const got = words(candidate);
  for (const word of got) counts.set(word, (counts.get(word) ?? 0) + 1);
  const wanted = words(reference);
  let found = 0;
  for (const word of wanted) {
    const left = counts.get(word) ?? 0;
    if (left > 0) {
      found++;
      counts.set(word, left - 1);
    }
  }
  return { recall: found / Math.max(1, wanted.length), precision: found / Math.max(1, got.length) };
}

function ocr(file: string): Promise<ParsedDocument> {
  return pdfParser.parse({
    bytes: readDocument(file),
    fileName: file.split('/').pop() ?? file,
    format: 'pdf',
    limits: { maxPages: 100, ocr: true, ocrPageTimeoutMs: 60_000 },
  });
}

function leftoverTempDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('lore-pdf-ocr-'));
}

const ocrMissing =
  missingTools.length > 0
    ? `OCR tests need ${missingTools.join(' and ')} on PATH (apt-get install tesseract-ocr tesseract-ocr-eng poppler-utils)`
    : hasDatasets
      ? undefined
      : 'datasets folder not found';

describeRequiring('pdfParser OCR of scanned pages', ocrMissing, () => {
  it('reads the scanned linn.pdf close to the OCRmyPDF reference text', async () => {
    const before = new Set(leftoverTempDirs());
    const doc = await ocr('pdf/ocrmypdf__linn.pdf');
    const reference = readFileSync(documentPath('pdf/ocrmypdf__linn.txt'), 'utf8');
    const { recall, precision } = wordOverlap(doc.text, reference);
    // Measured with tesseract 5.3.0 (Debian 12) at 200 dpi: recall 0.959, precision 0.989.
    expect(recall).toBeGreaterThan(0.9);
    expect(precision).toBeGreaterThan(0.95);
    expect(doc.text).toContain('The LinnSequencer');
    expect(doc.warnings).toEqual([
      { code: 'page_ocr', page: 1, message: expect.stringContaining('text comes from OCR') },
    ]);
    expect(doc.blocks.every((block) => block.page === 1 && block.end > block.start)).toBe(true);
    expect(leftoverTempDirs().filter((name) => !before.has(name))).toEqual([]);
  });

  it('reports a page whose OCR runs out of time, and cleans up', async () => {
    const before = new Set(leftoverTempDirs());
    const doc = await pdfParser.parse({
      bytes: readDocument('pdf/ocrmypdf__linn.pdf'),
      fileName: 'linn.pdf',
      format: 'pdf',
      limits: { maxPages: 100, ocr: true, ocrPageTimeoutMs: 50 },
    });
    expect(doc.warnings).toEqual([
      { code: 'ocr_failed', page: 1, message: 'page 1: OCR failed (pdftoppm: timed out after 50 ms)' },
      { code: 'page_empty', page: 1, message: 'page 1 has no extractable text' },
    ]);
    expect(leftoverTempDirs().filter((name) => !before.has(name))).toEqual([]);
  });

  it('reads text drawn as vector curves', async () => {
    const doc = await ocr('pdf/ocrmypdf__vector.pdf');
    expect(doc.text).toContain('Sample Vector PDF for Testing');
    expect(doc.title).toBe('Sample Vector PDF for Testing');
  });

  it('renders small pages sharper (2400dpi.pdf is a 4 × 3 cm scan)', async () => {
    const doc = await ocr('pdf/ocrmypdf__2400dpi.pdf');
    expect(doc.text).toMatch(/4 ons linzen/);
    expect(doc.text).toMatch(/3 liter water/);
  });

  it('keeps the text layer where there is one, OCRs the other pages, reports blank ones', async () => {
    const doc = await ocr('pdf/pdfminer__encrypted_doc_no_id.pdf');
    expect(doc.warnings.map((warning) => `${warning.code}@${warning.page}`)).toEqual([
      'page_empty@1',
      'page_ocr@2',
      'page_empty@3',
    ]);
    expect(doc.blocks.every((block) => block.page === 2)).toBe(true);
  });
});
