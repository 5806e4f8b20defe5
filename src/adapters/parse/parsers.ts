import type { DocumentFormat } from '../../core/document.js';
import type { Parser } from '../../ports/parser.port.js';
import { csvParser } from './csv.parser.js';
import { docxParser } from './docx.parser.js';
import { epubParser } from './epub.parser.js';
import { htmlParser } from './html.parser.js';
import { markdownParser } from './markdown.parser.js';
import { odtParser } from './odt.parser.js';
import { pptxParser } from './pptx.parser.js';
import { rtfParser } from './rtf.parser.js';
import { spreadsheetParser } from './spreadsheet.parser.js';
import { textParser } from './text.parser.js';

/** The parser for each format except PDF (added by the PDF adapter). */
export const parsersByFormat: Record<Exclude<DocumentFormat, 'pdf'>, Parser> = {
  docx: docxParser,
  pptx: pptxParser,
  xlsx: spreadsheetParser,
  xls: spreadsheetParser,
  ods: spreadsheetParser,
  csv: csvParser,
  odt: odtParser,
  epub: epubParser,
  rtf: rtfParser,
  html: htmlParser,
  markdown: markdownParser,
  text: textParser,
};
