import { describe, expect, it } from 'vitest';
import { LoreError } from '../../core/errors.js';
import { assertNoEntityDeclarations, parseXml, textContent } from './xml-tree.js';

const laughs =
  '<!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from(
    { length: 9 },
    (_, i) => `<!ENTITY lol${i + 1} "${(i === 0 ? '&lol;' : `&lol${i};`).repeat(10)}">`,
  ).join('') +
  ']>';

describe('XML entity declarations', () => {
  it('refuses billion laughs before parsing, naming the file and the part', () => {
    const xml = `<?xml version="1.0"?>${laughs}<p:sld><a:t>&lol9;</a:t></p:sld>`;
    let caught: unknown;
    try {
      parseXml(xml, 'deck.pptx', 'ppt/slides/slide1.xml');
    } catch (error) {
      caught = error;
    }
    expect(LoreError.is(caught)).toBe(true);
    expect((caught as LoreError).code).toBe('file_corrupt');
    expect((caught as LoreError).message).toContain('deck.pptx');
    expect((caught as LoreError).message).toContain('ppt/slides/slide1.xml');
  });

  it('refuses an external entity (XXE), lower-case doctype included', () => {
    const xml = '<!doctype doc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><doc>&xxe;</doc>';
    expect(() => assertNoEntityDeclarations(xml, 'x.docx', 'word/document.xml')).toThrow(
      /declares XML entities/,
    );
  });

  it('accepts a DOCTYPE without entities and ordinary parts', () => {
    expect(
      textContent(parseXml('<!DOCTYPE note><note>plain &amp; simple</note>', 'a.odt', 'content.xml')),
    ).toBe('plain & simple');
    expect(() =>
      assertNoEntityDeclarations('<a>&lt;!DOCTYPE x [&lt;!ENTITY]</a>', 'a.docx', 'p'),
    ).not.toThrow();
  });
});
