import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { LoreError } from '../../core/errors.js';

const pdfjsDir = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/**
 * Opens a PDF with pdf.js in its safe Node configuration: no eval, no font loading, no system
 * fonts, no network (the bytes are given; CMaps and standard fonts are read from the package).
 * pdf.js failures become LoreErrors naming the file.
 */
export async function openPdf(
  bytes: Uint8Array,
  fileName: string,
  password?: string,
): Promise<PDFDocumentProxy> {
  if (bytes.length === 0) throw new LoreError('file_empty', `${fileName}: the file is empty (0 bytes)`);
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    // A copy: pdf.js may transfer (detach) the buffer it is given, and OCR needs the bytes later.
    data: bytes.slice(),
    password,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    enableXfa: false,
    disableAutoFetch: true,
    disableStream: true,
    disableRange: true,
    stopAtErrors: false,
    maxImageSize: 64 * 1024 * 1024,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
    cMapUrl: `${join(pdfjsDir, 'cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${join(pdfjsDir, 'standard_fonts')}/`,
    wasmUrl: `${join(pdfjsDir, 'wasm')}/`,
  });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    throw pdfOpenError(error, bytes, fileName, password);
  }
}

/** Maps an exception from pdf.js (by its `name`, since it may cross a worker boundary). */
export function pdfOpenError(
  error: unknown,
  bytes: Uint8Array,
  fileName: string,
  password?: string,
): LoreError {
  const { name, code, message, details } = describe(error);
  if (name === 'PasswordException') {
    // PasswordResponses: 1 = NEED_PASSWORD, 2 = INCORRECT_PASSWORD.
    if (code === 2 || (code !== 1 && password)) {
      return new LoreError('password_incorrect', `${fileName}: the password is incorrect`, {
        details: { fileName },
      });
    }
    return new LoreError(
      'file_encrypted',
      `${fileName} is encrypted: a password is needed to open it (with the CLI pass it as --password; or upload a copy saved without a password)`,
      { details: { fileName } },
    );
  }
  if (looksTruncated(bytes)) {
    return new LoreError(
      'file_truncated',
      `${fileName} looks truncated: it ends before the PDF end-of-file marker, as after an interrupted download or upload; send the complete file`,
      { cause: error, details: { fileName } },
    );
  }
  if (name === 'InvalidPDFException' || name === 'FormatError' || /FormatError/.test(details)) {
    const reason = message ? ` (${message.replace(/\.$/, '')})` : '';
    return new LoreError('file_corrupt', `${fileName} is not a valid PDF or is damaged${reason}`, {
      cause: error,
      details: { fileName },
    });
  }
  if (
    name === 'MissingPDFException' ||
    name === 'UnexpectedResponseException' ||
    name === 'ResponseException'
  ) {
    return new LoreError('file_corrupt', `${fileName}: the PDF data could not be loaded (${message})`, {
      cause: error,
      details: { fileName },
    });
  }
  if (name === 'UnknownErrorException') {
    return new LoreError('file_corrupt', `${fileName} could not be read as a PDF (${message})`, {
      cause: error,
      details: { fileName },
    });
  }
  return new LoreError('parse_failed', `${fileName}: the PDF reader failed (${name}: ${message})`, {
    cause: error,
    details: { fileName },
  });
}

/** True when a file starts like a PDF but has no `%%EOF` marker in its last kilobyte. */
export function looksTruncated(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) return false;
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 1024))).toString('latin1');
  return !tail.includes('%%EOF');
}

function describe(error: unknown): { name: string; code: unknown; message: string; details: string } {
  if (typeof error !== 'object' || error === null) {
    return { name: 'Error', code: undefined, message: String(error), details: '' };
  }
  const record = error as { name?: unknown; code?: unknown; message?: unknown; details?: unknown };
  return {
    name: typeof record.name === 'string' ? record.name : 'Error',
    code: record.code,
    message: typeof record.message === 'string' ? record.message : String(error),
    details: typeof record.details === 'string' ? record.details : '',
  };
}

/** Document title from XMP `dc:title` or the Info dictionary, when it looks like a real title. */
export async function metadataTitle(doc: PDFDocumentProxy): Promise<string | undefined> {
  try {
    const { info, metadata } = await doc.getMetadata();
    const xmp = metadata?.get('dc:title');
    const infoTitle = (info as { Title?: unknown } | undefined)?.Title;
    for (const candidate of [xmp, infoTitle]) {
      if (typeof candidate !== 'string') continue;
      const title = cleanTitle(candidate);
      if (title) return title;
    }
  } catch {
    // Broken metadata is not worth failing the document for.
  }
  return undefined;
}

/** Trims a candidate title and rejects placeholders such as "untitled" or "Microsoft Word - x.doc". */
export function cleanTitle(raw: string): string | undefined {
  const title = raw
    .replace(/[\p{Cc}\ufeff]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (title.length < 2 || title.length > 300 || !/\p{L}/u.test(title)) return undefined;
  if (/^(untitled|no title|title|document\d*|new document|slide \d+|powerpoint presentation)$/i.test(title)) {
    return undefined;
  }
  if (/^microsoft (word|powerpoint|excel) - /i.test(title)) return undefined;
  if (/\.(pdf|docx?|rtf|txt|tex|dvi|ps|eps|indd|qxd|pptx?|xlsx?|odt|html?)$/i.test(title)) return undefined;
  return title;
}
