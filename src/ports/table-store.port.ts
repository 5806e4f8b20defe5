import type { SearchFilter } from '../core/records.js';
import type { StoredTable, TableRow } from '../core/tables/table.records.js';

/**
 * Typed tables of ingested spreadsheets. They are written and deleted with their document (inside
 * `Store.writeDocument` / `deleteDocument`); this port reads them.
 */
export interface TableStore {
  /**
   * Tables of the documents the filter allows (collections, documents, tags, update dates applied in
   * the query), newest documents first, without rows.
   */
  listTables(filter: SearchFilter, limit: number): Promise<StoredTable[]>;
  /** The rows of one table in sheet order. */
  loadRows(tableId: string): Promise<TableRow[]>;
}
