import type { ParseWarning } from '../../core/document.js';
import { type ExtractedTable, tableExtractorVersion } from '../../core/tables/table.records.js';
import { extractTables, type SourceSheet } from '../../core/tables/table-extract.js';
import type { SheetData } from './sheet-blocks.js';

/** Typed cells kept per document unless LORE_TABLE_MAX_CELLS says otherwise. */
export const defaultTableMaxCells = 1_000_000;

/**
 * The typed tables of a workbook's sheets (after `appendSheetBlocks` recorded the row spans), within
 * `maxCells`; warns `table_truncated` when rows were left out of the tables.
 */
export function sheetTables(
  sheets: readonly SheetData[],
  options: { fileName: string; maxCells: number; singleRegion?: boolean },
  warnings: ParseWarning[],
): ExtractedTable[] {
  const sources: SourceSheet[] = sheets.map((sheet) => ({
    name: sheet.name,
    rows: sheet.rows.flatMap((texts, index) => {
      const span = sheet.spans?.[index];
      if (!span) return []; // an empty row
      const typed = sheet.cells?.[index];
      return [
        {
          n: sheet.rowNumbers?.[index] ?? index + 1,
          cells: texts.map((text, column) => typed?.[column] ?? (text === '' ? undefined : { text })),
          span,
        },
      ];
    }),
    ...(sheet.merges?.length ? { merges: sheet.merges } : {}),
    ...(options.singleRegion ? { singleRegion: true } : {}),
  }));
  const { tables, truncated } = extractTables(sources, options.maxCells);
  if (truncated) {
    warnings.push({
      code: 'table_truncated',
      message: `${options.fileName}: tables were cut at ${options.maxCells.toLocaleString('en')} cells (LORE_TABLE_MAX_CELLS); questions over them see only the first rows.`,
    });
  }
  return tables;
}

/** The parser version of a tabular format: its own, plus the table extractor's. */
export function withTableVersion(parserVersion: string): string {
  return `${parserVersion}+${tableExtractorVersion}`;
}
