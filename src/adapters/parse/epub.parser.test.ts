import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import { epubParser } from './epub.parser.js';
import {
  blockTexts,
  expectLoreError,
  expectWellFormed,
  inputOf,
  parseDataset,
} from './parse-test-helpers.js';

const parse = (file: string) => parseDataset(epubParser, readDocument(file), file);

const chapter = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>${body}</body></html>`;

function epub(options: { container?: boolean; encryption?: string } = {}): Uint8Array {
  const opf =
    '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">' +
    '<dc:title>Small Book</dc:title></metadata><manifest>' +
    '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>' +
    '<item id="c1" href="text/one%20a.xhtml" media-type="application/xhtml+xml"/>' +
    '<item id="c2" href="text/two.xhtml" media-type="application/xhtml+xml"/></manifest>' +
    '<spine><itemref idref="nav"/><itemref idref="c2"/><itemref idref="c1"/></spine></package>';
  const files: Record<string, string> = {
    mimetype: 'application/epub+zip',
    'OPS/book.opf': opf,
    'OPS/nav.xhtml': chapter('<nav><ol><li>Chapter Two</li><li>Chapter One</li></ol></nav>'),
    'OPS/text/one a.xhtml': chapter('<h1>Chapter One</h1><p>First words.</p>'),
    'OPS/text/two.xhtml': chapter('<h1>Chapter Two</h1><p>Second words.</p>'),
  };
  if (options.container !== false) {
    files['META-INF/container.xml'] =
      '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0"><rootfiles>' +
      '<rootfile full-path="OPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>';
  }
  if (options.encryption) files['META-INF/encryption.xml'] = options.encryption;
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}

const encryption = (algorithm: string, uri: string): string =>
  `<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">` +
  `<enc:EncryptedData><enc:EncryptionMethod Algorithm="${algorithm}"/><enc:CipherData><enc:CipherReference URI="${uri}"/></enc:CipherData></enc:EncryptedData></encryption>`;

describe('epubParser on a synthetic book', () => {
  it('reads chapters in spine order, skips the navigation document, and takes the OPF title', async () => {
    const document = await epubParser.parse(inputOf(epub(), 'small.epub', 'epub'));
    expectWellFormed(document);
    expect(document.title).toBe('Small Book');
    expect(blockTexts(document)).toEqual(['Chapter Two', 'Second words.', 'Chapter One', 'First words.']);
  });

  it('finds the package without META-INF/container.xml, with a warning', async () => {
    const document = await epubParser.parse(inputOf(epub({ container: false }), 'small.epub', 'epub'));
    expect(blockTexts(document, 'heading')).toEqual(['Chapter Two', 'Chapter One']);
    expect(document.warnings.map((warning) => warning.code)).toContain('epub_container_missing');
  });

  it('refuses DRM-encrypted chapters but accepts font obfuscation', async () => {
    const drm = epub({
      encryption: encryption('http://www.w3.org/2001/04/xmlenc#aes128-cbc', 'OPS/text/two.xhtml'),
    });
    await expectLoreError(epubParser.parse(inputOf(drm, 'drm.epub', 'epub')), 'file_encrypted', 'drm.epub');
    const fonts = epub({ encryption: encryption('http://www.idpf.org/2008/embedding', 'OPS/fonts/a.otf') });
    expect((await epubParser.parse(inputOf(fonts, 'fonts.epub', 'epub'))).text).toContain('First words.');
  });
});

describeWithDatasets('epubParser on dataset files', () => {
  it('reads The Waste Land with its headings', async () => {
    const document = await parse('epub/pandoc__wasteland.epub');
    expect(document.title).toBe('The Waste Land');
    expect(blockTexts(document, 'heading')).toContain('I. THE BURIAL OF THE DEAD');
    expect(document.text).toContain('Winter kept us warm, covering');
  });

  it('reads an EPUB 2 whose fonts are obfuscated', async () => {
    const document = await parse('epub/pandoc__epub2_no_cover.epub');
    expect(document.title).toBe('Pandoc EPUB Test');
    expect(document.text).toBe('Pandoc EPUB2 Test');
  });

  it('reads EPUB 3 content documents but not the navigation document', async () => {
    const document = await parse('epub/pandoc__features.epub');
    expect(document.title).toBe('EPUBTEST 0100 - Reflowable Content Tests');
    expect(blockTexts(document, 'heading')[0]).toBe('Reflowable EPUB 3 Conformance Test Document: 0100');
  });
});
