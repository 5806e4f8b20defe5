import type { ChunkDraft, ParsedDocument, TextBlock } from '../../core/document.js';
import type { Chunker, ChunkOptions } from '../../ports/chunker.port.js';
import { type Segment, segmentBlock } from './segments.js';
import { countTokens } from './token-counter.js';

/**
 * Packs a document's blocks into chunks that follow its structure: a heading, a new page, slide or
 * sheet always starts a new chunk; inside a section, blocks are packed up to the token budget and
 * consecutive chunks overlap by whole sentences. Each chunk is one contiguous span of the text.
 * The heading path (and the table header for chunks of rows) goes into `context`.
 */
export class StructureChunker implements Chunker {
  readonly version = 'structure@1';

  chunk(document: ParsedDocument, options: ChunkOptions): ChunkDraft[] {
    const packer = new Packer(document.text, options);
    const headings: { level: number; text: string }[] = [];
    let tableHeader: { block: TextBlock; text: string } | undefined;
    let previous: TextBlock | undefined;
    for (const block of document.blocks) {
      const content = document.text.slice(block.start, block.end);
      const moved = previous !== undefined && locationChanged(previous, block);
      if (moved) {
        headings.length = 0;
        tableHeader = undefined;
      }
      if (block.kind === 'heading' || block.kind === 'title') {
        const level = block.kind === 'title' ? 0 : (block.level ?? 1);
        while (headings.length > 0 && (headings.at(-1)?.level ?? 0) >= level) headings.pop();
        headings.push({ level, text: oneLine(content) });
        packer.boundary();
      } else if (moved || (block.kind === 'table-header' && previous?.kind !== 'heading')) {
        packer.boundary();
      }
      if (block.kind === 'table-header') tableHeader = { block, text: oneLine(content) };
      else if (block.kind !== 'table-row') tableHeader = undefined;
      const path = headings
        .filter((heading) => heading.text !== content.trim())
        .map((heading) => heading.text);
      packer.setContext(path.join(' > '), tableHeader);
      packer.add(block);
      previous = block;
    }
    return packer.finish();
  }
}

function locationChanged(a: TextBlock, b: TextBlock): boolean {
  return a.page !== b.page || a.slide !== b.slide || a.sheet !== b.sheet;
}

function oneLine(value: string): string {
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

class Packer {
  private readonly chunks: ChunkDraft[] = [];
  private current: Segment[] = [];
  private currentTokens = 0;
  private headingContext = '';
  private tableHeader: { block: TextBlock; text: string } | undefined;
  private chunkContext = '';
  private chunkHeader: { block: TextBlock; text: string } | undefined;

  constructor(
    private readonly text: string,
    private readonly options: ChunkOptions,
  ) {}

  setContext(headingContext: string, tableHeader: { block: TextBlock; text: string } | undefined): void {
    this.headingContext = headingContext;
    this.tableHeader = tableHeader;
    if (this.current.length === 0) this.captureContext();
  }

  /** Closes the current chunk without overlap (a structural boundary). */
  boundary(): void {
    this.flush(false);
  }

  add(block: TextBlock): void {
    const budget = Math.max(16, this.options.maxTokens - countTokens(this.contextFor(true)));
    for (const segment of segmentBlock(this.text, block, budget)) {
      if (this.current.length > 0 && this.currentTokens + segment.tokens > budget) {
        this.flush(true);
        // The overlap must never push a chunk over budget.
        if (this.currentTokens + segment.tokens > budget) this.current = [];
        this.currentTokens = this.current.reduce((sum, carried) => sum + carried.tokens, 0);
      }
      if (this.current.length === 0) this.captureContext();
      this.current.push(segment);
      this.currentTokens += segment.tokens;
    }
  }

  finish(): ChunkDraft[] {
    this.flush(false);
    return this.chunks;
  }

  private captureContext(): void {
    this.chunkContext = this.headingContext;
    this.chunkHeader = this.tableHeader;
  }

  private contextFor(includeHeader: boolean): string {
    const header = includeHeader && this.tableHeader ? `Columns: ${this.tableHeader.text}` : '';
    return [this.headingContext, header].filter(Boolean).join('\n');
  }

  private flush(withOverlap: boolean): void {
    if (this.current.length === 0) return;
    const first = this.current[0]!;
    const last = this.current.at(-1)!;
    const headerInside = this.chunkHeader && this.chunkHeader.block.start >= first.start;
    const context = [
      this.chunkContext,
      this.chunkHeader && !headerInside ? `Columns: ${this.chunkHeader.text}` : '',
    ]
      .filter(Boolean)
      .join('\n');
    const block = first.block;
    this.chunks.push({
      ordinal: this.chunks.length,
      start: first.start,
      end: last.end,
      text: this.text.slice(first.start, last.end),
      context,
      tokenCount: this.currentTokens + (context ? countTokens(context) : 0),
      ...(block.page === undefined ? {} : { page: block.page }),
      ...(block.slide === undefined ? {} : { slide: block.slide }),
      ...(block.sheet === undefined ? {} : { sheet: block.sheet }),
    });
    const carried = withOverlap ? this.overlapTail() : [];
    this.current = carried;
    this.currentTokens = carried.reduce((sum, segment) => sum + segment.tokens, 0);
  }

  /** Trailing segments of the current chunk worth at most `overlapTokens`, never all of it. */
  private overlapTail(): Segment[] {
    const tail: Segment[] = [];
    let tokens = 0;
    for (let i = this.current.length - 1; i > 0; i--) {
      const segment = this.current[i]!;
      if (tokens + segment.tokens > this.options.overlapTokens) break;
      tail.unshift(segment);
      tokens += segment.tokens;
    }
    return tail;
  }
}
