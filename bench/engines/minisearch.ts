import MiniSearch from 'minisearch';
import type { BenchDoc } from '../corpus.js';
import type { SearchEngine } from './engine.js';

/** MiniSearch 7 with its defaults (BM25+, no stemming, no stop words), OR of the query terms. */
export class MiniSearchEngine implements SearchEngine {
  readonly name = 'minisearch';
  readonly description = "MiniSearch 7.2.0, fields title+text, default BM25+ scoring, combineWith 'OR'";
  private index = this.empty();

  private empty(): MiniSearch<BenchDoc> {
    return new MiniSearch<BenchDoc>({ fields: ['title', 'text'], idField: 'id', storeFields: [] });
  }

  build(docs: readonly BenchDoc[]): void {
    this.index = this.empty();
    this.index.addAll(docs);
  }

  search(query: string, k: number): string[] {
    return this.index
      .search(query, { combineWith: 'OR' })
      .slice(0, k)
      .map((result) => String(result.id));
  }

  footprint(): Record<string, number> {
    return {};
  }

  close(): void {
    this.index = this.empty();
  }
}
