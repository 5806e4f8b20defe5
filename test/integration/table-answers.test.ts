import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskEvent } from '../../src/core/answer/ask.service.js';
import { describeRequiring } from '../fixtures/datasets.js';
import { createMigratedDatabase, postgresUnavailable } from '../fixtures/postgres.js';
import { createTestApp } from '../fixtures/test-app.js';

const orders = [
  'Order,Date,Region,Customer,Amount',
  '1001,2024-01-15,West,Acme,120.50 EUR',
  '1002,2024-03-02,East,Globex,80.00 EUR',
  '1003,2024-03-17,West,Initech,250.00 EUR',
  '1004,2024-03-28,West,Acme,99.99 EUR',
  '1005,2024-04-03,North,Umbrella,310.25 EUR',
  'Total,,,,860.74 EUR',
].join('\n');

async function collect(events: AsyncIterable<AskEvent>): Promise<AskEvent[]> {
  const out: AskEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

type App = Awaited<ReturnType<typeof createTestApp>>;

function suite(backend: 'sqlite' | 'postgres') {
  let app: App;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    let overrides = {};
    if (backend === 'postgres') {
      const database = await createMigratedDatabase();
      drop = database.drop;
      overrides = { databaseUrl: database.url };
    }
    app = await createTestApp(overrides);
    const outcome = await app.ingest.ingest({
      bytes: new TextEncoder().encode(orders),
      fileName: 'orders.csv',
      source: 'orders.csv',
      collection: 'sales',
    });
    expect(outcome.status).toBe('added');
  });
  afterAll(async () => {
    await app?.dispose();
    await drop?.();
  });

  it('stores the CSV as a typed table with sheet row numbers', async () => {
    const [table] = await app.tables.listTables({}, 10);
    expect(table).toMatchObject({
      sheet: 'orders.csv',
      headerRows: [1, 1],
      firstRow: 2,
      lastRow: 7,
      rowCount: 6,
    });
    expect(table!.columns.map((column) => `${column.name}:${column.type}`)).toEqual([
      'Order:integer',
      'Date:date',
      'Region:text',
      'Customer:text',
      'Amount:currency',
    ]);
    const rows = await app.tables.loadRows(table!.id);
    expect(rows[0]).toMatchObject({ n: 2, values: [1001, '2024-01-15', 'West', 'Acme', 120.5] });
    expect(rows.at(-1)).toMatchObject({ n: 7, total: true });
  });

  it('answers a count with conditions exactly and cites the sheet and rows', async () => {
    const events = await collect(app.ask.ask({ question: 'How many orders in March were over 90 EUR?' }));
    const end = events.at(-1);
    expect(events.map((event) => event.type)).toEqual([
      'sources-found',
      'table-computed',
      'answer-delta',
      'citation-added',
      'answer-end',
    ]);
    if (end?.type !== 'answer-end') throw new Error('no end');
    expect(end.mode).toBe('computed');
    expect(end.computation).toMatchObject({
      status: 'computed',
      value: 2,
      rows: 'rows 4–5',
      planner: 'rules',
    });
    expect(end.answer).toContain(
      '2 [1]. Count of rows where Date in March and Amount > 90 EUR (sheet orders.csv of orders.csv, rows 4–5).',
    );
    const citation = end.citations[0]!;
    expect(citation.table).toMatchObject({ sheet: 'orders.csv', rowsLabel: 'rows 4–5', rowCount: 2 });
    const text = await app.store.getDocumentText(citation.documentId);
    expect(text!.slice(citation.start, citation.end)).toBe(citation.quote);
    expect(citation.quote).toBe(
      '1003 | 2024-03-17 | West | Initech | 250.00 EUR\n1004 | 2024-03-28 | West | Acme | 99.99 EUR',
    );
  });

  it('sums a currency column for one region, leaving the total row out', async () => {
    const events = await collect(app.ask.ask({ question: 'Total of column Amount for region West' }));
    const end = events.at(-1);
    if (end?.type !== 'answer-end') throw new Error('no end');
    expect(end.computation).toMatchObject({ value: 470.49, display: '470.49 EUR', rowCount: 3 });
    expect(end.answer).toMatch(/^470\.49 EUR \[1\]\. Sum of Amount over 3 rows where Region = West/);
  });

  it('says the table does not say, with the reason, instead of a number', async () => {
    for (const [question, reason] of [
      [
        'What is the total of column Discount?',
        'the table has no column “Discount” (its columns are Order, Date, Region, Customer, Amount)',
      ],
      ['What is the total amount in USD?', 'the amounts in Amount are in EUR, not USD'],
      ['What is the sum of Region?', 'column Region holds text; it cannot be added up'],
    ] as const) {
      const end = (await collect(app.ask.ask({ question }))).at(-1);
      if (end?.type !== 'answer-end') throw new Error('no end');
      expect(end.mode).toBe('abstained');
      expect(end.answer).toBe(`The table does not say: ${reason}.`);
      expect(end.answer).not.toMatch(/\d+\.\d\d/);
    }
  });

  it('leaves questions that ask for no computation to passage retrieval', async () => {
    const end = (await collect(app.ask.ask({ question: 'Who is Initech?' }))).at(-1);
    if (end?.type !== 'answer-end') throw new Error('no end');
    expect(end.mode).not.toBe('computed');
  });

  it('replaces the rows with the document and deletes them with it', async () => {
    const changed = orders.replace('99.99 EUR', '109.99 EUR');
    await app.ingest.ingest({
      bytes: new TextEncoder().encode(changed),
      fileName: 'orders.csv',
      source: 'orders.csv',
      collection: 'sales',
    });
    const tables = await app.tables.listTables({}, 10);
    expect(tables).toHaveLength(1);
    const rows = await app.tables.loadRows(tables[0]!.id);
    expect(rows.find((row) => row.n === 5)?.values[4]).toBe(109.99);
    await app.ingest.remove(tables[0]!.documentId);
    expect(await app.tables.listTables({}, 10)).toEqual([]);
    expect(await app.tables.loadRows(tables[0]!.id)).toEqual([]);
  });
}

describe('exact answers over tables (SQLite)', () => suite('sqlite'));
describeRequiring('exact answers over tables (PostgreSQL)', postgresUnavailable, () => suite('postgres'));
