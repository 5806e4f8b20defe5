import type { ExtractedTable } from './tables/table.records.js';

/** Formats Lore can ingest. Detected from content first, extension second. */
export const documentFormats = [
  'pdf',
  'docx',
  'pptx',
  'xlsx',
  'xls',
  'ods',
  'csv',
  'odt',
  'epub',
  'rtf',
  'html',
  'markdown',
  'text',
] as const;

export type DocumentFormat = (typeof documentFormats)[number];

/** Kinds of structural block a parser emits. */
export type BlockKind =
  | 'title'
  | 'heading'
  | 'paragraph'
  | 'list-item'
  | 'table-header'
  | 'table-row'
  | 'code'
  | 'note';

/**
 * One structural unit of the extracted text: `text.slice(start, end)` is its exact content.
 * Blocks are ordered, do not overlap, and carry where they came from (page, slide, sheet).
 */
export interface TextBlock {
  kind: BlockKind;
  /** Offset of the first character in `ParsedDocument.text`. */
  start: number;
  /** Offset one past the last character in `ParsedDocument.text`. */
  end: number;
  /** Heading level, 1 (top) to 6, for `heading` blocks. */
  level?: number;
  /** 1-based page number (PDF, and formats with explicit page breaks). */
  page?: number;
  /** 1-based slide number (PPTX). */
  slide?: number;
  /** Sheet name (spreadsheets). */
  sheet?: string;
}

export interface ParseWarning {
  /** Stable short code, e.g. `ocr_unavailable`, `page_empty`, `text_truncated`. */
  code: string;
  message: string;
  page?: number;
}

/** What a parser produces: the full extracted text plus structure over it. */
export interface ParsedDocument {
  format: DocumentFormat;
  title?: string;
  text: string;
  blocks: TextBlock[];
  /** Pages (PDF), slides (PPTX) or sheets (spreadsheets); undefined when the format has none. */
  pageCount?: number;
  warnings: ParseWarning[];
  /** Identifies the parser and its version, recorded with the document (STYLE point 8). */
  parserVersion: string;
  /** Tables kept as typed rows (spreadsheets and CSV), for exact answers over them. */
  tables?: ExtractedTable[];
}

/** A chunk before it is stored. `text === document.text.slice(start, end)`. */
export interface ChunkDraft {
  ordinal: number;
  start: number;
  end: number;
  text: string;
  /**
   * Context that is indexed and shown to the model but is not part of the span: the heading
   * path, or a sheet name with its table header for chunks of rows.
   */
  context: string;
  tokenCount: number;
  page?: number;
  slide?: number;
  sheet?: string;
}
