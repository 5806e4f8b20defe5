/**
 * Tables kept as typed rows: what the spreadsheet and CSV parsers extract beside the text, what the
 * stores keep, and what the query engine computes over.
 */

/** Identity of the table extractor, recorded with every stored table (STYLE point 8). */
export const tableExtractorVersion = 'tables@1';

/** Formats whose documents carry typed tables. */
export const tabularFormats: ReadonlySet<string> = new Set(['xlsx', 'xls', 'ods', 'csv']);

export const columnTypes = [
  'integer',
  'decimal',
  'currency',
  'percentage',
  'date',
  'datetime',
  'boolean',
  'text',
] as const;

export type ColumnType = (typeof columnTypes)[number];

/**
 * A typed cell: numbers (percentages as fractions, 15 % = 0.15), booleans, dates as ISO strings
 * (`2024-03-05`, `2024-03-05T14:30:00`), text, or null for an empty cell.
 */
export type CellValue = number | string | boolean | null;

export interface TableColumn {
  name: string;
  type: ColumnType;
  /** Currency code (`EUR`, `USD`…) of a currency column. */
  unit?: string;
  /** Most frequent distinct values as displayed (text and boolean columns), for routing and prompts. */
  samples: string[];
  /** Distinct non-empty values in the column. */
  distinctCount: number;
  /** Empty cells (and cells that could not be read as the column's type). */
  emptyCount: number;
}

/** One data row: `n` is the row number in the sheet (1-based, as a spreadsheet shows it). */
export interface TableRow {
  n: number;
  values: CellValue[];
  /** The cells as displayed. */
  texts: string[];
  /** Span of the row in the document's extracted text (for citations). */
  span?: [number, number];
  /** A "Total" / "Grand total" row: shown, never counted or summed. */
  total?: boolean;
}

/** A table found in a sheet (a sheet may hold several, separated by empty rows). */
export interface ExtractedTable {
  /** Sheet name (the file name for CSV). */
  sheet: string;
  /** 0-based position among the document's tables. */
  ordinal: number;
  /** Sheet rows holding the header (first and last; equal for a one-row header; 0 when none). */
  headerRows: [number, number];
  /** Title rows above the header (e.g. "Orders 2024"), joined. */
  caption?: string;
  columns: TableColumn[];
  rows: TableRow[];
  /** Rows were dropped at the size limit. */
  truncated: boolean;
}

/** A stored table without its rows (what routing looks at). */
export interface StoredTable extends Omit<ExtractedTable, 'rows'> {
  id: string;
  documentId: string;
  collectionId: string;
  documentTitle: string;
  fileName: string;
  rowCount: number;
  /** First and last data row numbers. */
  firstRow: number;
  lastRow: number;
  extractorVersion: string;
}

/** A stored table with its rows loaded. */
export interface LoadedTable extends StoredTable {
  rows: TableRow[];
}

/** True when the column holds numbers the engine can add up. */
export function isNumericType(type: ColumnType): boolean {
  return type === 'integer' || type === 'decimal' || type === 'currency' || type === 'percentage';
}

/** True for date and datetime columns. */
export function isDateType(type: ColumnType): boolean {
  return type === 'date' || type === 'datetime';
}
