import type { BenchDoc } from '../corpus.js';

/** A lexical search engine under test: index a corpus once, then answer top-k queries. */
export interface SearchEngine {
  readonly name: string;
  /** One line on how the engine is configured, for the report. */
  readonly description: string;
  build(docs: readonly BenchDoc[]): void;
  /** Ids of the top `k` documents, best first. */
  search(query: string, k: number): string[];
  /** Extra size figures (e.g. bytes on disk) after build. */
  footprint(): Record<string, number>;
  close(): void;
}

export type EngineName = 'lore' | 'fts5' | 'minisearch';
