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
import type { PgClient, PgPool } from './database.js';

/** Rows per INSERT of table rows. */
const batchRows = 2000;

/** JSON for PostgreSQL (which refuses NUL in text and the \u0000 escape in jsonb). */
function safeJson(json: string): string {
  return json.replaceAll('\\u0000', '\\ufffd');
}

/** Typed tables in PostgreSQL. */
export class PgTableStore implements TableStore {
  constructor(private readonly pool: PgPool) {}

  async listTables(filter: SearchFilter, limit: number): Promise<StoredTable[]> {
    const result = await this.pool.query<TableMetaRow>(
      `SELECT ${tableMetaColumns} FROM document_tables t JOIN documents d ON d.id = t.document_id
       WHERE ($1::text[] IS NULL OR t.collection_id = ANY($1))
         AND ($2::text[] IS NULL OR t.document_id = ANY($2))
         AND ($3::text[] IS NULL OR d.tags @> $3)
         AND ($4::timestamptz IS NULL OR d.updated_at >= $4)
         AND ($5::timestamptz IS NULL OR d.updated_at <= $5)
       ORDER BY d.updated_at DESC, t.document_id, t.ordinal LIMIT $6`,
      [
        filter.collectionIds ? [...filter.collectionIds] : null,
        filter.documentIds ? [...filter.documentIds] : null,
        filter.tags?.length ? [...filter.tags] : null,
        filter.updatedAfter ?? null,
        filter.updatedBefore ?? null,
        limit,
      ],
    );
    return result.rows.map(toStoredTable);
  }

  async loadRows(tableId: string): Promise<TableRow[]> {
    const result = await this.pool.query<{ row_number: number; cells: string }>(
      'SELECT row_number, cells::text AS cells FROM table_rows WHERE table_id = $1 ORDER BY row_number',
      [tableId],
    );
    return result.rows.map((row) => decodeRow(row.row_number, row.cells));
  }
}

/** Replaces a document's tables in the caller's transaction. */
export async function writeTablesPg(
  client: PgClient,
  documentId: string,
  collectionId: string,
  tables: readonly ExtractedTable[],
): Promise<void> {
  await client.query('DELETE FROM document_tables WHERE document_id = $1', [documentId]);
  for (const table of tables) {
    const id = randomUUID();
    const meta = tableMetaValues(table);
    await client.query(
      `INSERT INTO document_tables (id, document_id, collection_id, ordinal, sheet, caption, header_first, header_last,
         first_row, last_row, row_count, columns, truncated, extractor_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14)`,
      [
        id,
        documentId,
        collectionId,
        meta.ordinal,
        meta.sheet.replaceAll('\u0000', '\ufffd'),
        meta.caption?.replaceAll('\u0000', '\ufffd') ?? null,
        meta.headerFirst,
        meta.headerLast,
        meta.firstRow,
        meta.lastRow,
        meta.rowCount,
        safeJson(meta.columns),
        table.truncated,
        tableExtractorVersion,
      ],
    );
    for (let at = 0; at < table.rows.length; at += batchRows) {
      const batch = table.rows.slice(at, at + batchRows);
      await client.query(
        `INSERT INTO table_rows (table_id, row_number, cells)
         SELECT $1, row_number, cells::json FROM unnest($2::integer[], $3::text[]) AS t(row_number, cells)`,
        [id, batch.map((row) => row.n), batch.map((row) => safeJson(encodeRow(row)))],
      );
    }
  }
}
