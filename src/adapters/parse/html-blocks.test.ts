import { describe, expect, it } from 'vitest';
import { appendHtmlBlocks, type ElementRole, inlineText, parseHtmlDocument } from './html-blocks.js';
import { TextBuilder } from './text-builder.js';

function walk(html: string, classify?: (element: Element) => ElementRole) {
  const builder = new TextBuilder();
  appendHtmlBlocks(parseHtmlDocument(html).body, builder, {
    ...(classify ? { classify } : {}),
    location: { page: 3 },
  });
  const { text, blocks } = builder.build();
  return blocks.map((block) => [block.kind, text.slice(block.start, block.end)]);
}

describe('appendHtmlBlocks', () => {
  it('collapses source whitespace but keeps <br> as a line break', () => {
    expect(walk('<p>Hello\n   world<br>next   line</p>')).toEqual([['paragraph', 'Hello world\nnext line']]);
  });

  it('flattens nested lists into list items and loose text into paragraphs', () => {
    expect(walk('Loose <b>text</b><ul><li>a<ol><li>a.1</li></ol></li><li><p>b</p></li></ul>tail')).toEqual([
      ['paragraph', 'Loose text'],
      ['list-item', 'a'],
      ['list-item', 'a.1'],
      ['list-item', 'b'],
      ['paragraph', 'tail'],
    ]);
  });

  it('walks layout tables (nested tables) as blocks, data tables as rows', () => {
    const layout =
      '<table><tr><td><p>Left column</p><table><tr><td>x</td></tr></table></td><td>Right</td></tr></table>';
    expect(walk(layout)).toEqual([
      ['paragraph', 'Left column'],
      ['paragraph', 'x'],
      ['paragraph', 'Right'],
    ]);
    const data =
      '<table><caption>Prices</caption><thead><tr><th>Item</th><th>€</th></tr></thead><tbody><tr><td>Tea</td><td>2</td></tr></tbody></table>';
    expect(walk(data)).toEqual([
      ['paragraph', 'Prices'],
      ['table-header', 'Item | €'],
      ['table-row', 'Tea | 2'],
    ]);
  });

  it('lets the caller mark notes and skip elements, and stamps the location', () => {
    const builder = new TextBuilder();
    const html =
      '<p>Body<a class="ref">[1]</a></p><aside id="n1"><p>The note <a class="back">↑</a></p></aside>';
    appendHtmlBlocks(parseHtmlDocument(html).body, builder, {
      classify: (element) =>
        element.id === 'n1' ? 'note' : element.className === 'back' ? 'skip' : undefined,
      location: { page: 2 },
    });
    const { text, blocks } = builder.build();
    expect(blocks.map((block) => [block.kind, block.page, text.slice(block.start, block.end)])).toEqual([
      ['paragraph', 2, 'Body[1]'],
      ['note', 2, 'The note'],
    ]);
  });

  it('skips scripts, styles, hidden elements and form controls', () => {
    expect(
      walk(
        '<p>Shown<script>x()</script><span hidden>no</span><span style="display: none">no</span><button>Go</button></p>',
      ),
    ).toEqual([['paragraph', 'Shown']]);
  });

  it('gives a one-line text for headings with inner blocks', () => {
    const document = parseHtmlDocument('<h2>Part <div>two</div><br>now</h2>');
    const heading = document.querySelector('h2');
    expect(heading ? inlineText(heading) : '').toBe('Part two now');
  });
});
