import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import { blockTexts, expectWellFormed, inputOf, parseDataset } from './parse-test-helpers.js';
import { textParser } from './text.parser.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

async function parseText(bytes: Uint8Array, fileName = 'notes.txt') {
  const document = await textParser.parse(inputOf(bytes, fileName, 'text'));
  expectWellFormed(document);
  return document;
}

describe('textParser', () => {
  it('splits paragraphs on blank lines over the normalised source', async () => {
    const document = await parseText(encode('\ufeffFirst line\r\nstill first.\r\n\r\n  \r\nSecond.\r\n'));
    expect(document.text).toBe('First line\nstill first.\n\n  \nSecond.\n');
    expect(blockTexts(document)).toEqual(['First line\nstill first.', 'Second.']);
    expect(document.title).toBe('notes');
    expect(document.pageCount).toBeUndefined();
  });

  it('numbers pages at form feeds', async () => {
    const document = await parseText(encode('Page one.\fPage two, part A.\n\nPart B.\n\f\fPage four.'));
    expect(document.blocks.map((block) => [block.page, document.text.slice(block.start, block.end)])).toEqual(
      [
        [1, 'Page one.'],
        [2, 'Page two, part A.'],
        [2, 'Part B.'],
        [4, 'Page four.'],
      ],
    );
    expect(document.pageCount).toBe(4);
  });

  it('decodes UTF-16 and falls back to Windows-1252 with a warning', async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x48, 0, 0x69, 0]);
    expect((await parseText(utf16)).text).toBe('Hi');
    const legacy = await parseText(new Uint8Array([0x93, 0x51, 0x94, 0x20, 0x80]));
    expect(legacy.text).toBe('“Q” €');
    expect(legacy.warnings.map((warning) => warning.code)).toContain('encoding_guessed');
  });

  it('warns when there is no text', async () => {
    const document = await parseText(encode('\n \n\t\n'));
    expect(document.blocks).toEqual([]);
    expect(document.warnings.map((warning) => warning.code)).toEqual(['no_text']);
  });
});

describeWithDatasets('textParser on dataset files', () => {
  it('reads the OCR reference text of linn.pdf', async () => {
    const file = 'pdf/ocrmypdf__linn.txt';
    const document = await parseDataset(textParser, readDocument(file), file);
    expect(blockTexts(document)[0]).toBe('The LinnSequencer\n32 Track MIDI Sequence Recorder');
  });
});

describe('textParser on non-UTF-8 bytes', () => {
  const parseBytes = (bytes: Uint8Array) => textParser.parse(inputOf(bytes, 'x.txt', 'text'));
  it('reads Shift_JIS as Japanese, not Windows-1252 mojibake', async () => {
    // 日本語のテキストです。東京都の天気は晴れ。 in Shift_JIS.
    const bytes = Uint8Array.from(
      Buffer.from(
        '93fa967b8cea82cc8365834c8358836782c582b78142938c8b9e937382cc93568b4382cd90b082ea8142',
        'hex',
      ),
    );
    expect((await parseBytes(bytes)).text).toBe('日本語のテキストです。東京都の天気は晴れ。');
  });

  it('keeps UTF-8 with a few invalid bytes as UTF-8 (U+FFFD for the broken bytes)', async () => {
    const good = new TextEncoder().encode('Grüße aus Köln ');
    const text = (
      await parseBytes(Uint8Array.from([...good, 0xff, 0xfe, ...new TextEncoder().encode(' Straße')]))
    ).text;
    expect(text).toContain('Grüße aus Köln');
    expect(text).toContain('Straße');
    expect(text).not.toContain('Ã');
  });

  it('still reads Latin-1 as Windows-1252', async () => {
    const latin = 'Crème brûlée à la française, naïve façade';
    expect((await parseBytes(Uint8Array.from(latin, (c) => c.charCodeAt(0)))).text).toBe(latin);
  });
});
