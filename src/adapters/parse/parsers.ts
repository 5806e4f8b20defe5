import type { DocumentFormat } from '../../core/document.js';
import type { Parser } from '../../ports/parser.port.js';

/**
 * Loads the parser of a format on first use, so a worker that only sees text files never loads
 * pdf.js or SheetJS (each costs hundreds of milliseconds at worker start).
 */
const loaders: Record<DocumentFormat, () => Promise<Parser>> = {
  pdf: async () => (await import('./pdf.parser.js')).pdfParser,
  docx: async () => (await import('./docx.parser.js')).docxParser,
  pptx: async () => (await import('./pptx.parser.js')).pptxParser,
  xlsx: async () => (await import('./spreadsheet.parser.js')).spreadsheetParser,
  xls: async () => (await import('./spreadsheet.parser.js')).spreadsheetParser,
  ods: async () => (await import('./spreadsheet.parser.js')).spreadsheetParser,
  csv: async () => (await import('./csv.parser.js')).csvParser,
  odt: async () => (await import('./odt.parser.js')).odtParser,
  epub: async () => (await import('./epub.parser.js')).epubParser,
  rtf: async () => (await import('./rtf.parser.js')).rtfParser,
  html: async () => (await import('./html.parser.js')).htmlParser,
  markdown: async () => (await import('./markdown.parser.js')).markdownParser,
  text: async () => (await import('./text.parser.js')).textParser,
};

/** The parser for a format. */
export function loadParser(format: DocumentFormat): Promise<Parser> {
  return loaders[format]();
}

/**
 * Formats whose third-party parser has known prototype-pollution issues (SheetJS 0.18.5, the last
 * release on npm): the sandbox replaces a worker after parsing one of them.
 */
export const taintingFormats: ReadonlySet<DocumentFormat> = new Set(['xlsx', 'xls']);
