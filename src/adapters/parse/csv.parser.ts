import Papa from 'papaparse';
import type { ParsedDocument, ParseWarning } from '../../core/document.js';
import type { ParseInput, Parser } from '../../ports/parser.port.js';
import { baseName, decodeText, extensionOf } from './decode-text.js';
import { appendSheetBlocks, rowsTruncatedWarning, type SheetBudget, sheetBudget } from './sheet-blocks.js';
import { defaultTableMaxCells, sheetTables, withTableVersion } from './sheet-tables.js';
import { TextBuilder } from './text-builder.js';

const version = withTableVersion('csv@1');

/**
 * CSV/TSV via papaparse (quoted fields, embedded newlines, delimiter guessing). The file is one
 * sheet named after the file: a heading, the header row, then one row block per record. The
 * records are also kept as one typed table (header detection, column types).
 */
export const csvParser: Parser = {
  formats: ['csv'],
  version,
  async parse(input: ParseInput): Promise<ParsedDocument> {
    return parseCsv(input, sheetBudget(input.limits));
  },
};

/** Parses with an explicit budget (tests use a small one). */
export function parseCsv(input: ParseInput, budget: SheetBudget): ParsedDocument {
  const warnings: ParseWarning[] = [];
  const decoded = decodeText(input.bytes);
  if (decoded.guessed) {
    warnings.push({
      code: 'encoding_guessed',
      message: `${input.fileName}: not valid UTF-8; decoded as ${decoded.encoding}.`,
    });
  }
  const rows = readCsvRows(
    decoded.text,
    extensionOf(input.fileName) === 'tsv' ? '\t' : undefined,
    budget,
    input.fileName,
    warnings,
  );
  const name = input.fileName.split(/[\\/]/).pop() ?? input.fileName;
  const builder = new TextBuilder();
  const sheet = { name, rows };
  const hasText = appendSheetBlocks(builder, sheet, input.fileName, warnings);
  if (!hasText)
    warnings.push({ code: 'no_text', message: `${input.fileName}: the file contains no values.` });
  const { text, blocks } = builder.build();
  // Empty lines are not table boundaries in CSV; the record number is the row number a spreadsheet shows.
  const tables = sheetTables(
    [sheet],
    {
      fileName: input.fileName,
      maxCells: input.limits.maxTableCells ?? defaultTableMaxCells,
      singleRegion: true,
    },
    warnings,
  );
  return {
    format: 'csv',
    title: baseName(input.fileName),
    text,
    blocks,
    pageCount: 1,
    warnings,
    parserVersion: version,
    tables,
  };
}

/**
 * Records of a CSV text as arrays of cell strings (embedded newlines kept), within the budget. One
 * linear pass (papaparse's step mode): records past the budget are counted, not kept, so the
 * `rows_truncated` warning can say how many were dropped.
 */
export function readCsvRows(
  text: string,
  delimiter: string | undefined,
  budget: SheetBudget,
  fileName: string,
  warnings: ParseWarning[],
): string[][] {
  const rows: string[][] = [];
  let cells = 0;
  let records = 0;
  let truncated = false;
  let problems = 0;
  let firstProblem: { message: string; row: number } | undefined;
  Papa.parse<string[]>(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, {
    delimiter: delimiter ?? '',
    delimitersToGuess: [',', '\t', ';', '|'],
    skipEmptyLines: 'greedy',
    header: false,
    dynamicTyping: false,
    step: (result) => {
      records++;
      for (const error of result.errors) {
        if (error.code === 'UndetectableDelimiter') continue;
        problems++;
        firstProblem ??= { message: error.message, row: records };
      }
      if (truncated) return;
      const record = result.data;
      if (rows.length >= budget.maxRows || cells + record.length > budget.maxCells) {
        truncated = true;
        return;
      }
      rows.push(record);
      cells += record.length;
    },
  });
  if (problems > 0) {
    warnings.push({
      code: 'csv_malformed',
      message: `${fileName}: ${problems} malformed record(s), e.g. ${firstProblem?.message ?? 'unknown'} at row ${firstProblem?.row ?? 0}; read as well as possible.`,
    });
  }
  if (truncated)
    warnings.push(
      rowsTruncatedWarning(fileName, budget, { kept: rows.length, dropped: records - rows.length }),
    );
  return rows;
}
