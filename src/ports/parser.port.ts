import type { DocumentFormat, ParsedDocument } from '../core/document.js';

/** Bounds every parse must respect. Violations raise LoreError (`too_many_pages`, ...). */
export interface ParseLimits {
  maxPages: number;
  /** Run OCR on pages without a text layer when the `tesseract` binary is available. */
  ocr: boolean;
  /** Milliseconds one OCR'd page may take. */
  ocrPageTimeoutMs: number;
  /** Typed table cells kept per document (spreadsheets, CSV); default 1,000,000. */
  maxTableCells?: number;
  /** Rows read per spreadsheet or CSV file, all sheets together (LORE_PARSE_MAX_ROWS); default 100,000. */
  maxRows?: number;
}

export interface ParseInput {
  bytes: Uint8Array;
  /** Original file name, used in messages and as a title fallback. */
  fileName: string;
  format: DocumentFormat;
  /** Password for encrypted documents (PDF). */
  password?: string;
  limits: ParseLimits;
}

/**
 * Turns the bytes of one document into text with structure.
 * Must throw LoreError with a precise code (`file_encrypted`, `file_corrupt`, ...) on bad input.
 */
export interface Parser {
  readonly formats: readonly DocumentFormat[];
  /** Recorded with each document so a parser change can trigger re-indexing. */
  readonly version: string;
  parse(input: ParseInput): Promise<ParsedDocument>;
}

/** Parses any supported file: detects its format and runs the right Parser within bounds. */
export interface DocumentParsing {
  parse(input: { bytes: Uint8Array; fileName: string; password?: string }): Promise<ParsedDocument>;
  close(): Promise<void>;
}
