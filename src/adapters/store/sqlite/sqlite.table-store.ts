import { randomUUID } from 'node:crypto';
import type { SearchFilter } from '../../../core/records.js';
import {
  type ExtractedTable,
  type StoredTable,
  type TableRow,
  tableExtractorVersion,
} from '../../../core/tables/table.records.js';
import type { TableStore } from '../../../ports/table-store.port.js';
import {
  decodeRow,
  encodeRow,
  type TableMetaRow,
  tableMetaColumns,
  tableMetaValues,
  toStoredTable,
} from '../table-rows.js';
import type { SqliteDatabase } from './database.js';

/** Typed tables in the embedded database. */
export class SqliteTableStore implements TableStore {
  constructor(private readonly db: SqliteDatabase) {}

  async listTables(filter: SearchFilter, limit: number): Promise<StoredTable[]> {
    const rows = this.db
      .prepare(
        `SELECT ${tableMetaColumns} FROM document_tables t JOIN documents d ON d.id = t.document_id
         WHERE (@collectionIds IS NULL OR t.collection_id IN (SELECT value FROM json_each(@collectionIds)))
           AND (@documentIds IS NULL OR t.document_id IN (SELECT value FROM json_each(@documentIds)))
           AND (@tags IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(@tags) AS wanted
                WHERE wanted.value NOT IN (SELECT value FROM json_each(d.tags))))
           AND (@after IS NULL OR d.updated_at >= @after)
           AND (@before IS NULL OR d.updated_at <= @before)
         ORDER BY d.updated_at DESC, t.document_id, t.ordinal LIMIT @limit`,
      )
      .all({
        collectionIds: filter.collectionIds ? JSON.stringify(filter.collectionIds) : null,
        documentIds: filter.documentIds ? JSON.stringify(filter.documentIds) : null,
        tags: filter.tags?.length ? JSON.stringify(filter.tags) : null,
        after: filter.updatedAfter ?? null,
        before: filter.updatedBefore ?? null,
        limit,
      }) as TableMetaRow[];
    return rows.map(toStoredTable);
  }

  async loadRows(tableId: string): Promise<TableRow[]> {
    const rows = this.db
      .prepare('SELECT row_number, cells FROM table_rows WHERE table_id = ? ORDER BY row_number')
      .all(tableId) as { row_number: number; cells: string }[];
    return rows.map((row) => decodeRow(row.row_number, row.cells));
  }
}

/** Replaces a document's tables inside the caller's transaction. */
export function writeTablesSqlite(
  db: SqliteDatabase,
  documentId: string,
  collectionId: string,
  tables: readonly ExtractedTable[],
): void {
  db.prepare('DELETE FROM document_tables WHERE document_id = ?').run(documentId);
  const insertTable = db.prepare(
    `INSERT INTO document_tables (id, document_id, collection_id, ordinal, sheet, caption, header_first, header_last,
       first_row, last_row, row_count, columns, truncated, extractor_version)
     VALUES (@id, @documentId, @collectionId, @ordinal, @sheet, @caption, @headerFirst, @headerLast, @firstRow,
       @lastRow, @rowCount, @columns, @truncated, @version)`,
  );
  const insertRow = db.prepare('INSERT INTO table_rows (table_id, row_number, cells) VALUES (?, ?, ?)');
  for (const table of tables) {
    const id = randomUUID();
    insertTable.run({
      id,
      documentId,
      collectionId,
      ...tableMetaValues(table),
      truncated: table.truncated ? 1 : 0,
      version: tableExtractorVersion,
    });
    for (const row of table.rows) insertRow.run(id, row.n, encodeRow(row));
  }
}
