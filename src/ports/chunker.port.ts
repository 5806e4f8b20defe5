import type { ChunkDraft, ParsedDocument } from '../core/document.js';

export interface ChunkOptions {
  /** Upper bound of tokens in one chunk (context included). */
  maxTokens: number;
  /** Tokens of the previous chunk repeated at the start of the next one inside a section. */
  overlapTokens: number;
}

/** Splits a parsed document into chunks that follow its structure. */
export interface Chunker {
  readonly version: string;
  chunk(document: ParsedDocument, options: ChunkOptions): ChunkDraft[];
}
