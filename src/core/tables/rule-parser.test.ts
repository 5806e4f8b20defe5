import { describe, expect, it } from 'vitest';
import { parseQuestion } from './rule-parser.js';
import type { LoadedTable } from './table.records.js';
import { executePlan } from './table-engine.js';
import { extractTables, type SourceSheet } from './table-extract.js';

/** A small orders sheet as a CSV parser hands it over (text cells only), extracted for real. */
function ordersTable(): LoadedTable {
  const lines = [
    ['Order', 'Date', 'Region', 'Customer', 'Amount'],
    ['A-1', '2024-03-02', 'West', 'Acme', '€120.00'],
    ['A-2', '2024-03-15', 'East', 'Birch', '€80.50'],
    ['A-3', '2024-04-01', 'West', 'Acme', '€250.00'],
    ['A-4', '2024-04-20', 'North', 'Cedar', '€99.99'],
    ['A-5', '2024-03-28', 'West', 'Delta', '€40.00'],
  ];
  const sheet: SourceSheet = {
    name: 'orders.csv',
    singleRegion: true,
    rows: lines.map((cells, index) => ({ n: index + 1, cells: cells.map((text) => ({ text })) })),
  };
  const { tables } = extractTables([sheet], 10_000);
  const table = tables[0]!;
  return {
    ...table,
    id: 't1',
    documentId: 'd1',
    collectionId: 'c1',
    documentTitle: 'Orders',
    fileName: 'orders.csv',
    rowCount: table.rows.length,
    firstRow: table.rows[0]!.n,
    lastRow: table.rows.at(-1)!.n,
    extractorVersion: 'tables@1',
  };
}

function answer(question: string): string {
  const table = ordersTable();
  const outcome = parseQuestion(question, table);
  if (outcome.kind === 'refusal') return `refused: ${outcome.reason}`;
  if (outcome.kind === 'none') return 'none';
  return executePlan(table, outcome.plan).display;
}

describe('parseQuestion over a typed orders sheet', () => {
  it('types the columns the way the questions rely on', () => {
    const types = ordersTable().columns.map((column) => `${column.name}:${column.type}`);
    expect(types).toEqual(['Order:text', 'Date:date', 'Region:text', 'Customer:text', 'Amount:currency']);
  });

  it('counts with a month and a money comparison', () => {
    expect(answer('How many orders in March were over 100 EUR?')).toBe('1');
    expect(answer('How many orders in March were over 50 EUR?')).toBe('2');
  });

  it('sums a named column for a region value', () => {
    expect(answer('Total of column Amount for region West')).toBe('410.00 EUR');
  });

  it('says the table does not hold a value no row has, instead of answering 0', () => {
    const said = answer('How many orders were over 100 EUR in region Mars?');
    expect(said).toMatch(/^refused: no row has Region “Mars”/);
    expect(said).toContain('West');
  });

  it('still answers 0 when the value exists but no row passes the other condition', () => {
    expect(answer('How many orders were over 1000 EUR in region West?')).toBe('0');
  });

  it('refuses a money amount narrowed by a word the table does not know', () => {
    expect(answer('Average shipping cost per order')).toMatch(
      /^refused: the table has no column for shipping cost/,
    );
    expect(answer('What is the total delivery fee?')).toMatch(
      /^refused: the table has no column for delivery fee/,
    );
  });

  it('keeps answering plain money questions from the one money column', () => {
    expect(answer('What is the total cost of orders in region East?')).toBe('80.50 EUR');
    expect(answer('How much did Acme spend?')).toBe('370.00 EUR');
  });

  it('refuses a column the table lacks', () => {
    expect(answer('Sum of column Discount for region West')).toMatch(
      /^refused: the table has no column “Discount”/,
    );
  });
});
