import type { ExtractedTable, StoredTable, TableColumn, TableRow } from '../../core/tables/table.records.js';

// The row shape of `document_tables` and `table_rows`, shared by the SQLite and PostgreSQL adapters.

/** A `document_tables` row joined with its document's title and file name. */
export interface TableMetaRow {
  id: string;
  document_id: string;
  collection_id: string;
  ordinal: number;
  sheet: string;
  caption: string | null;
  header_first: number;
  header_last: number;
  first_row: number;
  last_row: number;
  row_count: number;
  /** JSON text (SQLite) or parsed jsonb (PostgreSQL). */
  columns: string | TableColumn[];
  truncated: number | boolean;
  extractor_version: string;
  title: string;
  file_name: string;
}

export const tableMetaColumns = `t.id, t.document_id, t.collection_id, t.ordinal, t.sheet, t.caption, t.header_first,
  t.header_last, t.first_row, t.last_row, t.row_count, t.columns, t.truncated, t.extractor_version,
  d.title, d.file_name`;

export function toStoredTable(row: TableMetaRow): StoredTable {
  return {
    id: row.id,
    documentId: row.document_id,
    collectionId: row.collection_id,
    documentTitle: row.title,
    fileName: row.file_name,
    ordinal: row.ordinal,
    sheet: row.sheet,
    ...(row.caption ? { caption: row.caption } : {}),
    headerRows: [row.header_first, row.header_last],
    firstRow: row.first_row,
    lastRow: row.last_row,
    rowCount: row.row_count,
    columns: typeof row.columns === 'string' ? (JSON.parse(row.columns) as TableColumn[]) : row.columns,
    truncated: row.truncated === true || row.truncated === 1,
    extractorVersion: row.extractor_version,
  };
}

/** What one stored row holds (the row number is its own column). */
interface EncodedRow {
  v: TableRow['values'];
  t: string[];
  s?: [number, number];
  total?: true;
}

/** JSON of one row for `table_rows.cells`. */
export function encodeRow(row: TableRow): string {
  const encoded: EncodedRow = { v: row.values, t: row.texts };
  if (row.span) encoded.s = row.span;
  if (row.total) encoded.total = true;
  return JSON.stringify(encoded);
}

/** A row back from `table_rows` (cells as JSON text or already parsed). */
export function decodeRow(rowNumber: number, cells: string | EncodedRow): TableRow {
  const encoded = typeof cells === 'string' ? (JSON.parse(cells) as EncodedRow) : cells;
  return {
    n: rowNumber,
    values: encoded.v,
    texts: encoded.t,
    ...(encoded.s ? { span: encoded.s } : {}),
    ...(encoded.total ? { total: true } : {}),
  };
}

/** The columns of one `document_tables` insert. */
export function tableMetaValues(table: ExtractedTable) {
  return {
    ordinal: table.ordinal,
    sheet: table.sheet,
    caption: table.caption ?? null,
    headerFirst: table.headerRows[0],
    headerLast: table.headerRows[1],
    firstRow: table.rows[0]?.n ?? 0,
    lastRow: table.rows.at(-1)?.n ?? 0,
    rowCount: table.rows.length,
    columns: JSON.stringify(table.columns),
  };
}
