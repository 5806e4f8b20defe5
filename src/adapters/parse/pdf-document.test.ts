import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import { LoreError } from '../../core/errors.js';
import type { ParseLimits } from '../../ports/parser.port.js';
import { pdfParser } from './pdf.parser.js';
import { cleanTitle, looksTruncated, pdfOpenError } from './pdf-document.js';

const limits: ParseLimits = { maxPages: 1000, ocr: false, ocrPageTimeoutMs: 60_000 };
const pdfBytes = (text: string) => new TextEncoder().encode(text);
const complete = pdfBytes('%PDF-1.4\n...\n%%EOF\n');

async function errorOf(bytes: Uint8Array): Promise<LoreError> {
  const error = await pdfParser.parse({ bytes, fileName: 'x.pdf', format: 'pdf', limits }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!LoreError.is(error)) throw new Error(`expected a LoreError, got ${String(error)}`);
  return error;
}

describe('pdfOpenError', () => {
  it('maps pdf.js exceptions by name, naming the file', () => {
    const cases: [object, string | undefined, string][] = [
      [{ name: 'PasswordException', code: 1, message: 'No password given' }, undefined, 'file_encrypted'],
      [{ name: 'PasswordException', code: 2, message: 'Incorrect Password' }, 'x', 'password_incorrect'],
      [{ name: 'InvalidPDFException', message: 'Invalid PDF structure.' }, undefined, 'file_corrupt'],
      [{ name: 'FormatError', message: 'Bad FCHECK in flate stream' }, undefined, 'file_corrupt'],
      [{ name: 'UnknownErrorException', message: 'x', details: 'FormatError: y' }, undefined, 'file_corrupt'],
      [{ name: 'MissingPDFException', message: 'Missing PDF' }, undefined, 'file_corrupt'],
      [{ name: 'UnexpectedResponseException', message: 'Unexpected' }, undefined, 'file_corrupt'],
      [{ name: 'ResponseException', message: 'Missing PDF' }, undefined, 'file_corrupt'],
      [new TypeError('boom'), undefined, 'parse_failed'],
    ];
    for (const [error, password, code] of cases) {
      const mapped = pdfOpenError(error, complete, 'report.pdf', password);
      expect(mapped.code).toBe(code);
      expect(mapped.message).toContain('report.pdf');
    }
    expect(pdfOpenError({ name: 'PasswordException', code: 1 }, complete, 'a.pdf').message).toContain(
      '--password',
    );
  });

  it('calls a PDF that ends without %%EOF truncated', () => {
    const error = pdfOpenError(
      { name: 'InvalidPDFException', message: 'Invalid PDF structure.' },
      pdfBytes('%PDF-1.7\n1 0 obj'),
      'a.pdf',
    );
    expect(error.code).toBe('file_truncated');
    expect(error.message).toMatch(/a\.pdf looks truncated/);
  });
});

describe('looksTruncated', () => {
  it('needs a PDF header and a missing end marker', () => {
    expect(looksTruncated(complete)).toBe(false);
    expect(looksTruncated(pdfBytes('%PDF-1.4\n1 0 obj <<'))).toBe(true);
    expect(looksTruncated(pdfBytes('hello'))).toBe(false);
  });
});

describe('cleanTitle', () => {
  it('keeps real titles and drops placeholders and file names', () => {
    expect(cleanTitle('  2007 Form\u0000 1040NR ')).toBe('2007 Form 1040NR');
    expect(cleanTitle('Untitled')).toBeUndefined();
    expect(cleanTitle('Microsoft Word - report.docx')).toBeUndefined();
    expect(cleanTitle('paper.dvi')).toBeUndefined();
    expect(cleanTitle('')).toBeUndefined();
    expect(cleanTitle('1234')).toBeUndefined();
  });
});

describe('pdfParser on bytes that are not a PDF', () => {
  it('reports empty and invalid files', async () => {
    expect((await errorOf(new Uint8Array())).code).toBe('file_empty');
    const invalid = await errorOf(pdfBytes('this is not a PDF at all'));
    expect(invalid.code).toBe('file_corrupt');
    expect(invalid.message).toMatch(/^x\.pdf is not a valid PDF/);
  });
});

describeWithDatasets('pdfParser on truncated copies of real PDFs', () => {
  it('returns what pdf.js recovers from a nearly complete file, with a warning', async () => {
    // f1040nr.pdf is linearised: its first-page trailer is at the start, so 99% of it still opens.
    const full = readDocument('pdf/pdfminer__f1040nr.pdf');
    const cut = full.slice(0, Math.floor(full.length * 0.99));
    const doc = await pdfParser.parse({ bytes: cut, fileName: 'f1040nr-cut.pdf', format: 'pdf', limits });
    expect(doc.pageCount).toBe(5);
    expect(doc.text).toContain('U.S. Nonresident Alien Income Tax Return');
    expect(doc.warnings.map((warning) => warning.code)).toEqual(['file_truncated']);
  });

  it('fails with file_truncated when the structure is gone', async () => {
    const full = readDocument('pdf/pdfminer__naacl06-shinyama.pdf');
    const error = await errorOf(full.slice(0, Math.floor(full.length * 0.6)));
    expect(error.code).toBe('file_truncated');
  });
});
