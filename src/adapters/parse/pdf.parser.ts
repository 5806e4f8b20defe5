import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ParsedDocument, ParseWarning } from '../../core/document.js';
import { LoreError } from '../../core/errors.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { cleanTitle, looksTruncated, metadataTitle, openPdf } from './pdf-document.js';
import { classifyParagraphs } from './pdf-headings.js';
import { findOcrTools, PdfOcrSession } from './pdf-ocr.js';
import { type PdfParagraph, pageParagraphs, plainTextParagraphs } from './pdf-text.js';
import { TextBuilder } from './text-builder.js';

/**
 * A page whose text layer has fewer non-blank characters than this is OCR'd when OCR is available
 * (a scan may carry a stray page number or stamp as text); the OCR text replaces the text layer
 * only when it is clearly longer. Without OCR, only pages with no text at all are reported.
 */
const negligibleTextChars = 20;

interface PageResult {
  paragraphs: PdfParagraph[];
  /** True when the paragraphs came from OCR (no font sizes, so no headings). */
  fromOcr: boolean;
}

/**
 * PDF parser on pdf.js: text per page as paragraph blocks carrying their 1-based page, headings
 * from font sizes, OCR (pdftoppm + tesseract) for pages without a text layer when enabled.
 */
export const pdfParser: Parser = {
  formats: ['pdf'],
  version: 'pdf@1',
  parse: parsePdf,
};

async function parsePdf(input: ParseInput): Promise<ParsedDocument> {
  const { fileName, limits } = input;
  const doc = await openPdf(input.bytes, fileName, input.password);
  let ocr: PdfOcrSession | undefined;
  try {
    if (doc.numPages > limits.maxPages) {
      throw new LoreError(
        'too_many_pages',
        `${fileName}: ${doc.numPages} pages, more than the limit of ${limits.maxPages} (LORE_MAX_PAGES)`,
        { details: { fileName, pages: doc.numPages, maxPages: limits.maxPages } },
      );
    }
    const warnings: ParseWarning[] = [];
    const truncated = looksTruncated(input.bytes);
    if (truncated) {
      warnings.push({
        code: 'file_truncated',
        message: `${fileName} looks truncated (no end-of-file marker); pdf.js recovered what it could, text may be missing`,
      });
    }
    const tools = limits.ocr ? await findOcrTools() : undefined;
    const pages: PageResult[] = [];
    let failedPages = 0;
    for (let number = 1; number <= doc.numPages; number++) {
      const extracted = await extractPage(doc, number).catch((error: unknown) => {
        failedPages++;
        warnings.push({
          code: 'page_failed',
          page: number,
          message: `page ${number} could not be read (${reason(error)})`,
        });
        return undefined;
      });
      let result: PageResult = { paragraphs: extracted?.paragraphs ?? [], fromOcr: false };
      const layerChars = visibleChars(result.paragraphs);
      if (extracted && tools && layerChars < negligibleTextChars) {
        ocr ??= new PdfOcrSession(tools, input.bytes, input.password, limits.ocrPageTimeoutMs);
        result = await ocrPage(ocr, number, extracted, result, warnings);
      } else if (extracted && layerChars === 0) {
        warnings.push(ocrUnavailable(number, limits.ocr));
      }
      if (visibleChars(result.paragraphs) === 0) {
        warnings.push({
          code: 'page_empty',
          page: number,
          message: `page ${number} has no extractable text`,
        });
      }
      pages.push(result);
    }
    if (failedPages === doc.numPages) {
      throw new LoreError(
        truncated ? 'file_truncated' : 'file_corrupt',
        `${fileName}: none of its ${doc.numPages} pages could be read${truncated ? '; the file looks truncated' : ''}`,
        { details: { fileName } },
      );
    }
    return buildDocument(pages, fileName, await metadataTitle(doc), warnings, doc.numPages);
  } finally {
    await ocr?.dispose();
    await doc.destroy();
  }
}

async function extractPage(
  doc: PDFDocumentProxy,
  number: number,
): Promise<{ paragraphs: PdfParagraph[]; width: number; height: number }> {
  const page = await doc.getPage(number);
  try {
    const { width, height } = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    return { paragraphs: pageParagraphs(content.items), width, height };
  } finally {
    page.cleanup();
  }
}

/** OCRs one page; keeps the text layer when OCR fails or finds clearly less. */
async function ocrPage(
  ocr: PdfOcrSession,
  number: number,
  size: { width: number; height: number },
  layer: PageResult,
  warnings: ParseWarning[],
): Promise<PageResult> {
  try {
    const text = await ocr.recognise(number, size.width, size.height);
    const paragraphs: PdfParagraph[] = plainTextParagraphs(text).map((paragraph) => ({
      text: paragraph,
      size: 0,
      lines: 1,
      listItem: false,
    }));
    const ocrChars = visibleChars(paragraphs);
    const layerChars = visibleChars(layer.paragraphs);
    if (ocrChars === 0 || ocrChars < layerChars * 2) return layer;
    warnings.push({
      code: 'page_ocr',
      page: number,
      message: `page ${number} is a scan without a usable text layer; its text comes from OCR (tesseract) and may contain recognition errors`,
    });
    return { paragraphs, fromOcr: true };
  } catch (error) {
    warnings.push({
      code: 'ocr_failed',
      page: number,
      message: `page ${number}: OCR failed (${reason(error)})`,
    });
    return layer;
  }
}

function ocrUnavailable(number: number, enabled: boolean): ParseWarning {
  const advice = enabled
    ? 'install tesseract-ocr and poppler-utils to OCR scanned pages'
    : 'OCR is turned off (LORE_OCR), so text in images on it was not read';
  return { code: 'ocr_unavailable', page: number, message: `page ${number} has no text layer; ${advice}` };
}

function buildDocument(
  pages: PageResult[],
  fileName: string,
  metadata: string | undefined,
  warnings: ParseWarning[],
  pageCount: number,
): ParsedDocument {
  const layerPages = pages.map((page) => (page.fromOcr ? [] : page.paragraphs));
  const kinds = classifyParagraphs(layerPages);
  const builder = new TextBuilder();
  let headingTitle: { text: string; size: number } | undefined;
  pages.forEach((page, index) => {
    page.paragraphs.forEach((paragraph, position) => {
      const kind = page.fromOcr
        ? { kind: 'paragraph' as const }
        : (kinds[index]?.[position] ?? { kind: 'paragraph' as const });
      builder.add(kind.kind, paragraph.text, { page: index + 1, level: kind.level });
      if (index === 0 && kind.kind === 'heading' && paragraph.size > (headingTitle?.size ?? 0)) {
        headingTitle = { text: paragraph.text, size: paragraph.size };
      }
    });
  });
  const { text, blocks } = builder.build();
  const first = blocks[0];
  const firstBlock = first ? text.slice(first.start, first.end).split('\n', 1)[0] : undefined;
  const title =
    metadata ??
    cleanTitle(headingTitle?.text ?? '') ??
    cleanTitle(titleLike(firstBlock) ?? '') ??
    fileName.replace(/\.pdf$/i, '');
  return { format: 'pdf', title, text, blocks, pageCount, warnings, parserVersion: pdfParser.version };
}

/** The text when it could be a title: short, mostly letters, no OCR debris such as `_[|`. */
function titleLike(line: string | undefined): string | undefined {
  if (!line || line.length > 150 || /[_|[\]{}\\]/.test(line)) return undefined;
  const letters = line.match(/\p{L}/gu)?.length ?? 0;
  return letters >= 3 && letters >= 0.6 * line.replace(/\s+/g, '').length ? line : undefined;
}

function visibleChars(paragraphs: readonly PdfParagraph[]): number {
  let count = 0;
  for (const paragraph of paragraphs) count += paragraph.text.replace(/\s+/g, '').length;
  return count;
}

function reason(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    return (error as { message: string }).message;
  }
  return String(error);
}
