import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import {
  blockTexts,
  expectLoreError,
  expectWellFormed,
  inputOf,
  parseDataset,
} from './parse-test-helpers.js';
import { rtfParser } from './rtf.parser.js';

const parse = (file: string) => parseDataset(rtfParser, readDocument(file), file);

/** RTF source as bytes; `\xHH` escapes in the JS string become raw 8-bit bytes. */
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);

async function parseRtf(source: string | Uint8Array, fileName = 'doc.rtf') {
  const document = await rtfParser.parse(
    inputOf(typeof source === 'string' ? latin1(source) : source, fileName, 'rtf'),
  );
  expectWellFormed(document);
  return document;
}

describe('rtfParser on synthetic documents', () => {
  it('skips font, colour and style tables, info and pictures, and reads headings from styles', async () => {
    const source =
      '{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0\\fswiss Arial;}}{\\colortbl;\\red0\\green0\\blue0;}' +
      '{\\stylesheet{\\s0 Normal;}{\\s1\\b heading 1;}{\\*\\cs10 Default Paragraph Font;}}' +
      '{\\info{\\title Quarterly Report}{\\author Someone}}' +
      '{\\*\\generator Writer;}' +
      '\\pard\\s1 Overview\\par' +
      "\\pard\\s0 Caf\\'e9 costs 5\\'80.{\\pict\\pngblip 89504e470d0a}\\par" +
      '\\pard\\outlinelevel1 Details\\par' +
      '{\\pntext\\f0 1.\\tab}\\pard\\ls1\\ilvl0 A list item\\par' +
      '\\pard Hidden {\\v secret words}here\\line next line\\par}';
    const document = await parseRtf(source);
    expect(document.title).toBe('Quarterly Report');
    expect(
      document.blocks.map((block) => [block.kind, block.level, document.text.slice(block.start, block.end)]),
    ).toEqual([
      ['heading', 1, 'Overview'],
      ['paragraph', undefined, 'Café costs 5€.'],
      ['heading', 2, 'Details'],
      ['list-item', undefined, 'A list item'],
      ['paragraph', undefined, 'Hidden here\nnext line'],
    ]);
    expect(document.text).not.toMatch(/Arial|Writer|Someone|secret|89504e/);
  });

  it('decodes \\uN with \\ucN fallbacks, surrogate pairs, and the document code page', async () => {
    const document = await parseRtf(
      "{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2 {\\uc2\\u8364\\'80\\'80}\\uc1 \\u-10179?\\u-8694? end\\par}",
    );
    expect(document.text).toBe('Привет €😊 end');
  });

  it('decodes double-byte text in a font charset (Shift-JIS)', async () => {
    const document = await parseRtf(
      "{\\rtf1\\ansi{\\fonttbl{\\f1\\fcharset128 MS Gothic;}}\\f1 \\'93\\'fa\\'96\\'7b\\par}",
    );
    expect(document.text).toBe('日本');
  });

  it('turns \\cell and \\row into a header and rows, and footnotes into notes', async () => {
    const source =
      '{\\rtf1\\ansi Intro{\\super\\chftn}{\\footnote\\pard\\chftn  See the appendix.}\\par' +
      '\\trowd\\cellx1000\\cellx2000\\pard\\intbl Name\\cell Size\\cell\\row' +
      '\\trowd\\cellx1000\\cellx2000\\pard\\intbl a.txt\\cell 12\\cell\\row\\pard After\\par}';
    const document = await parseRtf(source);
    expect(document.blocks.map((block) => [block.kind, document.text.slice(block.start, block.end)])).toEqual(
      [
        ['paragraph', 'Intro'],
        ['note', 'See the appendix.'],
        ['table-header', 'Name | Size'],
        ['table-row', 'a.txt | 12'],
        ['paragraph', 'After'],
      ],
    );
  });

  it('skips \\bin data and ignores unbalanced braces', async () => {
    const document = await parseRtf(latin1('{\\rtf1 {\\object\\bin6 }}{{{x}} Text\\par}}}} more'));
    expect(document.text).toBe('Text\n\nmore');
  });

  it('never hangs on malformed input', async () => {
    const noise = Array.from({ length: 200_000 }, (_, index) =>
      "{}\\'zz\\u\\uc9\\bin-5 a".charAt(index % 19),
    ).join('');
    const started = Date.now();
    await parseRtf(`{\\rtf1 ${noise}`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses absurd nesting and non-RTF input', async () => {
    await expectLoreError(
      rtfParser.parse(inputOf(latin1(`{\\rtf1 ${'{'.repeat(5000)}x`), 'deep.rtf', 'rtf')),
      'file_corrupt',
      'deep.rtf',
    );
    await expectLoreError(
      rtfParser.parse(inputOf(latin1('plain text'), 'plain.rtf', 'rtf')),
      'file_corrupt',
      'plain.rtf',
    );
  });
});

describeWithDatasets('rtfParser on dataset files', () => {
  it('decodes code-page escapes and \\u characters', async () => {
    const document = await parse('rtf/pandoc__unicode.rtf');
    expect(document.text).toBe('“hi”‘hi’\uf0b7αä');
  });

  it('reads the pandoc table fragments (no {\\rtf header) as headers and rows', async () => {
    const document = await parse('rtf/pandoc__tables.rtf');
    expect(document.warnings.map((warning) => warning.code)).toContain('rtf_header_missing');
    expect(blockTexts(document, 'table-header')).toContain(
      'Centered Header | Left Aligned | Right Aligned | Default aligned',
    );
    expect(blockTexts(document, 'table-row')).toContain(
      'First | row | 12.0 | Example of a row that spans multiple lines.',
    );
  });

  it('gives best-effort text for the malformed nested table', async () => {
    const document = await parse('rtf/pandoc__table_nested_malformed_itap.rtf');
    expect(document.text).toBe('Parent before Child at skipped level | Parent after | Outer cell');
  });
});
