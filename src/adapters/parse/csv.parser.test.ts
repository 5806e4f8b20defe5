import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeWithDatasets, documentPath, readDocument } from '../../../test/fixtures/datasets.js';
import { csvParser, parseCsv } from './csv.parser.js';
import { blockTexts, expectWellFormed, inputOf, parseDataset } from './parse-test-helpers.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Cells of a row block; joinCells drops trailing empty cells, so pad to the header's width. */
function cellsOf(row: string, width: number): string[] {
  const cells = row.split(/ ?\| ?/);
  while (cells.length < width) cells.push('');
  return cells;
}

describe('csvParser on synthetic files', () => {
  it('guesses the delimiter, keeps quoted delimiters, and tags blocks with the file name', async () => {
    const document = await csvParser.parse(
      inputOf(encode('name;city\n"Doe; J.";Paris\n'), 'people.csv', 'csv'),
    );
    expectWellFormed(document);
    expect(blockTexts(document)).toEqual(['people.csv', 'name | city', 'Doe; J. | Paris']);
    expect(document.blocks.every((block) => block.sheet === 'people.csv')).toBe(true);
    expect(document.title).toBe('people');
  });

  it('reads TSV by extension', async () => {
    const document = await csvParser.parse(inputOf(encode('a\tb\n1,5\t2\n'), 'x.tsv', 'csv'));
    expect(blockTexts(document, 'table-row')).toEqual(['1,5 | 2']);
  });

  it('warns about malformed quoting but keeps the data', async () => {
    const document = await csvParser.parse(inputOf(encode('a,b\n"unterminated,2\n3,4\n'), 'bad.csv', 'csv'));
    expectWellFormed(document);
    expect(document.warnings.map((warning) => warning.code)).toContain('csv_malformed');
    expect(document.text).toContain('unterminated');
  });

  it('falls back to Windows-1252 for non-UTF-8 bytes', async () => {
    const bytes = new Uint8Array([...encode('name\nCaf'), 0xe9, 0x0a, ...encode('M'), 0x80, 0x0a]);
    const document = await csvParser.parse(inputOf(bytes, 'legacy.csv', 'csv'));
    expect(blockTexts(document, 'table-row')).toEqual(['Café', 'M€']);
    expect(document.warnings.map((warning) => warning.code)).toContain('encoding_guessed');
  });

  it('caps rows', () => {
    const text = Array.from({ length: 50 }, (_, index) => `${index},x`).join('\n');
    const document = parseCsv(inputOf(encode(text), 'big.csv', 'csv'), { maxRows: 10, maxCells: 1000 });
    expect(blockTexts(document, 'table-row')).toHaveLength(9);
    const warning = document.warnings.find((item) => item.code === 'rows_truncated');
    expect(warning?.message).toContain('big.csv: 10 rows kept, 40 dropped');
    expect(warning?.message).toContain('LORE_PARSE_MAX_ROWS');
    // The typed table holds the same 10 kept records as the text (no header: `0,x` is data).
    expect(document.tables?.[0]?.rows).toHaveLength(10);
  });

  it('keeps 150k records within the budget without overflowing the stack', () => {
    const text = `id,amount\n${Array.from({ length: 150_000 }, (_, index) => `${index},${index % 7}.5`).join('\n')}`;
    const document = parseCsv(inputOf(encode(text), 'long.csv', 'csv'), { maxRows: 200_000, maxCells: 1e6 });
    expect(document.warnings.map((item) => item.code)).not.toContain('rows_truncated');
    expect(document.tables?.[0]?.rows).toHaveLength(150_000);
  });

  it('reports an empty file as having no text', async () => {
    const document = await csvParser.parse(inputOf(encode('\n\n'), 'blank.csv', 'csv'));
    expect(document.text).toBe('');
    expect(document.warnings.map((warning) => warning.code)).toContain('no_text');
  });
});

describeWithDatasets('csvParser against the csv-spectrum ground truth', () => {
  const names = [
    'comma_in_quotes',
    'empty',
    'json',
    'newlines_crlf',
    'simple_crlf',
    'utf8',
    'escaped_quotes',
  ];
  const withTruth = names.filter(
    (name) =>
      existsSync(documentPath(`csv/csvspec__${name}.csv`)) &&
      existsSync(documentPath(`csv/csv_expected_json/${name}.json`)),
  );

  it('has ground truth for at least four files', () => {
    expect(withTruth.length).toBeGreaterThanOrEqual(4);
  });

  it.each(withTruth)('%s.csv matches %s.json', async (name) => {
    const file = `csv/csvspec__${name}.csv`;
    const document = await parseDataset(csvParser, readDocument(file), file);
    const expected = JSON.parse(
      readFileSync(documentPath(`csv/csv_expected_json/${name}.json`), 'utf8'),
    ) as Array<Record<string, string>>;
    const header = Object.keys(expected[0] ?? {});
    expect(blockTexts(document, 'table-header')).toEqual([header.join(' | ')]);
    const rows = blockTexts(document, 'table-row').map((row) => cellsOf(row, header.length));
    // Whitespace inside a cell (the CRLF in "Once upon \r\na time") is collapsed in row blocks.
    const normalise = (value: string): string => value.replace(/\s+/g, ' ').trim();
    expect(rows).toEqual(expected.map((record) => header.map((key) => normalise(record[key] ?? ''))));
  });
});
