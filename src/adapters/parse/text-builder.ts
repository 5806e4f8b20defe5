import type { BlockKind, TextBlock } from '../../core/document.js';

/** Location fields a block may carry. */
export type BlockLocation = Pick<TextBlock, 'page' | 'slide' | 'sheet'>;

/**
 * Builds the extracted text of a document block by block, recording each block's exact span.
 * Blocks are separated by a blank line (or a single newline for table rows and list items).
 *
 * @example
 * const b = new TextBuilder();
 * b.add('heading', 'Intro', { level: 1 });
 * b.add('paragraph', 'Hello world.');
 * const { text, blocks } = b.build(); // text === 'Intro\n\nHello world.'
 */
export class TextBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  private readonly blocks: TextBlock[] = [];
  private lastKind: BlockKind | undefined;

  /** Appends one block; whitespace is normalised and empty blocks are skipped. */
  add(kind: BlockKind, raw: string, extra: BlockLocation & { level?: number } = {}): TextBlock | undefined {
    const content = normaliseBlockText(raw);
    if (content.length === 0) return undefined;
    if (this.length > 0) {
      const tight = (kind === 'table-row' || kind === 'list-item') && kind === this.lastKind;
      const separator = tight ? '\n' : '\n\n';
      this.parts.push(separator);
      this.length += separator.length;
    }
    const start = this.length;
    this.parts.push(content);
    this.length += content.length;
    const block: TextBlock = { kind, start, end: this.length, ...definedOnly(extra) };
    this.blocks.push(block);
    this.lastKind = kind;
    return block;
  }

  /** Number of characters so far. */
  get size(): number {
    return this.length;
  }

  get blockCount(): number {
    return this.blocks.length;
  }

  build(): { text: string; blocks: TextBlock[] } {
    return { text: this.parts.join(''), blocks: this.blocks };
  }
}

/** Collapses runs of spaces and tabs, trims lines, drops blank-line runs inside a block. */
export function normaliseBlockText(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t\f\v]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line, index, lines) => line.length > 0 || (index > 0 && (lines[index - 1] ?? '').length > 0))
    .join('\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

function definedOnly<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined) (out as Record<string, unknown>)[key] = entry;
  }
  return out;
}
