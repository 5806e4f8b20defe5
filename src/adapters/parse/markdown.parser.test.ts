import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import { markdownParser } from './markdown.parser.js';
import { blockTexts, expectWellFormed, inputOf, parseDataset } from './parse-test-helpers.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

async function parseMarkdown(source: string) {
  const document = await markdownParser.parse(inputOf(encode(source), 'notes.md', 'markdown'));
  expectWellFormed(document);
  return document;
}

const summary = (document: Awaited<ReturnType<typeof parseMarkdown>>) =>
  document.blocks.map((block) => [block.kind, block.level, document.text.slice(block.start, block.end)]);

describe('markdownParser', () => {
  it('keeps the source as the text (line endings normalised) so spans point into it', async () => {
    const source = '# Title\r\n\r\nFirst line\r\nsecond line.\r\n';
    const document = await parseMarkdown(source);
    expect(document.text).toBe('# Title\n\nFirst line\nsecond line.\n');
    expect(summary(document)).toEqual([
      ['heading', 1, 'Title'],
      ['paragraph', undefined, 'First line\nsecond line.'],
    ]);
    expect(document.title).toBe('Title');
  });

  it('reads ATX and setext headings, lists, fenced code, quotes and tables', async () => {
    const source = [
      'Setext One',
      '==========',
      '',
      '## Closed ATX ##',
      '',
      '- bullet one',
      '  continued',
      '- bullet two',
      '  1. nested',
      '',
      '```ts',
      'const x = 1;',
      '```',
      '',
      '> quoted',
      '> lines',
      '',
      '| Name | Size |',
      '|------|-----:|',
      '| a    | 1    |',
      '| b    | 2    |',
      '',
      '***',
      '',
      'Setext Two',
      '----------',
      '',
      '    indented code',
    ].join('\n');
    expect(summary(await parseMarkdown(source))).toEqual([
      ['heading', 1, 'Setext One'],
      ['heading', 2, 'Closed ATX'],
      ['list-item', undefined, 'bullet one\n  continued'],
      ['list-item', undefined, 'bullet two'],
      ['list-item', undefined, 'nested'],
      ['code', undefined, 'const x = 1;'],
      ['paragraph', undefined, 'quoted\n> lines'],
      ['table-header', undefined, '| Name | Size |'],
      ['table-row', undefined, '| a    | 1    |'],
      ['table-row', undefined, '| b    | 2    |'],
      ['heading', 2, 'Setext Two'],
      ['code', undefined, 'indented code'],
    ]);
  });

  it('takes the title from YAML front matter and skips it', async () => {
    const document = await parseMarkdown('---\ntitle: "Design notes"\ntags: [a]\n---\n\nBody text.\n');
    expect(document.title).toBe('Design notes');
    expect(summary(document)).toEqual([['paragraph', undefined, 'Body text.']]);
  });

  it('treats an unterminated fence as code to the end', async () => {
    const document = await parseMarkdown('Intro\n\n```\ncode without end\nmore');
    expect(blockTexts(document, 'code')).toEqual(['code without end\nmore']);
  });
});

describeWithDatasets('markdownParser on the pandoc test suite', () => {
  it('finds the title block, headings with levels, lists and code', async () => {
    const file = 'markdown/pandoc__testsuite.txt';
    const bytes = readDocument(file);
    const document = await parseDataset(markdownParser, bytes, file, 'markdown');
    expect(document.text).toBe(new TextDecoder().decode(bytes).replace(/\r\n?/g, '\n'));
    expect(document.title).toBe('Pandoc Test Suite');
    const headings = document.blocks.filter((block) => block.kind === 'heading');
    expect(
      headings.slice(0, 5).map((block) => [block.level, document.text.slice(block.start, block.end)]),
    ).toEqual([
      [1, 'Headers'],
      [2, 'Level 2 with an [embedded link](/url)'],
      [3, 'Level 3 with *emphasis*'],
      [4, 'Level 4'],
      [5, 'Level 5'],
    ]);
    expect(blockTexts(document, 'list-item')).toContain('asterisk 1');
    expect(blockTexts(document, 'code').some((code) => code.includes('sub status {'))).toBe(true);
  });
});
