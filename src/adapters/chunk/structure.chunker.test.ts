import { describe, expect, it } from 'vitest';
import type { ParsedDocument } from '../../core/document.js';
import { TextBuilder } from '../parse/text-builder.js';
import { StructureChunker } from './structure.chunker.js';
import { countTokens } from './token-counter.js';

function documentOf(build: (builder: TextBuilder) => void): ParsedDocument {
  const builder = new TextBuilder();
  build(builder);
  const { text, blocks } = builder.build();
  return { format: 'markdown', text, blocks, warnings: [], parserVersion: 'test@1' };
}

const chunker = new StructureChunker();
const sentence = (n: number) => `Sentence number ${n} talks about retrieval quality and chunking budgets.`;

describe('StructureChunker', () => {
  it('keeps every chunk an exact span of the text', () => {
    const document = documentOf((b) => {
      b.add('heading', 'Guide', { level: 1 });
      b.add('paragraph', Array.from({ length: 40 }, (_, i) => sentence(i)).join(' '));
      b.add('heading', 'Details', { level: 2 });
      b.add('paragraph', 'Short paragraph.');
    });
    const chunks = chunker.chunk(document, { maxTokens: 80, overlapTokens: 20 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.text).toBe(document.text.slice(chunk.start, chunk.end));
      expect(chunk.tokenCount).toBeLessThanOrEqual(80);
    }
    expect(chunks.map((chunk) => chunk.ordinal)).toEqual(chunks.map((_, i) => i));
  });

  it('starts a new chunk at headings and records the heading path', () => {
    const document = documentOf((b) => {
      b.add('heading', 'Guide', { level: 1 });
      b.add('paragraph', 'Intro text.');
      b.add('heading', 'Install', { level: 2 });
      b.add('paragraph', 'Run npm ci.');
    });
    const chunks = chunker.chunk(document, { maxTokens: 200, overlapTokens: 20 });
    expect(chunks.map((chunk) => chunk.text)).toEqual(['Guide\n\nIntro text.', 'Install\n\nRun npm ci.']);
    expect(chunks[1]?.context).toBe('Guide');
  });

  it('overlaps consecutive chunks of one section by whole sentences', () => {
    const document = documentOf((b) => {
      b.add('paragraph', Array.from({ length: 20 }, (_, i) => sentence(i)).join(' '));
    });
    const chunks = chunker.chunk(document, { maxTokens: 60, overlapTokens: 20 });
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.start).toBeLessThan(chunks[i - 1]!.end);
    }
  });

  it('never mixes pages and repeats the table header as context', () => {
    const document = documentOf((b) => {
      b.add('paragraph', 'Page one text.', { page: 1 });
      b.add('paragraph', 'Page two text.', { page: 2 });
      b.add('heading', 'Sheet: People', { sheet: 'People', level: 1 });
      b.add('table-header', 'Name | Age', { sheet: 'People' });
      for (let i = 0; i < 60; i++) b.add('table-row', `Person ${i} | ${20 + i}`, { sheet: 'People' });
    });
    const chunks = chunker.chunk(document, { maxTokens: 60, overlapTokens: 0 });
    expect(chunks[0]).toMatchObject({ page: 1, text: 'Page one text.' });
    expect(chunks[1]).toMatchObject({ page: 2, text: 'Page two text.' });
    const rowChunks = chunks.filter((chunk) => chunk.sheet === 'People');
    expect(rowChunks.length).toBeGreaterThan(2);
    expect(rowChunks[0]?.text).toContain('Name | Age');
    expect(rowChunks[1]?.context).toContain('Columns: Name | Age');
    for (const chunk of rowChunks) expect(chunk.tokenCount).toBeLessThanOrEqual(60);
  });

  it('splits a single huge sentence by words within the budget', () => {
    const document = documentOf((b) => b.add('paragraph', 'word '.repeat(1000)));
    const chunks = chunker.chunk(document, { maxTokens: 50, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) expect(countTokens(chunk.text)).toBeLessThanOrEqual(50);
  });
});
