import { Bm25Index, type Bm25Params } from '../../src/core/search/bm25.js';
import { analyze } from '../../src/core/text/analyzer.js';
import type { BenchDoc } from '../corpus.js';
import type { SearchEngine } from './engine.js';

/** Lore's defaults (LORE_BM25_K1, LORE_BM25_B, LORE_BM25_TITLE_WEIGHT). */
export const loreBenchParams: Bm25Params = { k1: 1.2, b: 0.75, fieldWeights: { title: 0.2, body: 1 } };

/** Lore's analyzer and in-memory BM25 index, fed the way the ingest pipeline feeds it. */
export class LoreEngine implements SearchEngine {
  readonly name = 'lore';
  readonly description: string;
  private index: Bm25Index;
  private ids: string[] = [];

  constructor(private readonly params: Bm25Params = loreBenchParams) {
    this.index = new Bm25Index(params);
    const weights = Object.entries(params.fieldWeights)
      .map(([field, weight]) => `${field} ${weight}`)
      .join(', ');
    this.description = `analyze() + Bm25Index, k1 ${params.k1}, b ${params.b}, fields ${weights}`;
  }

  build(docs: readonly BenchDoc[]): void {
    this.index = new Bm25Index(this.params);
    this.ids = [];
    for (const doc of docs) {
      const slot = this.index.add({ title: analyze(doc.title), body: analyze(`${doc.title}\n${doc.text}`) });
      this.ids[slot] = doc.id;
    }
    // The first search computes the length norms; do it here so it counts as build time.
    this.index.search(['a'], 1);
  }

  search(query: string, k: number): string[] {
    return this.index.search(analyze(query), k).map((hit) => this.ids[hit.slot]!);
  }

  /** The analysed query terms (for profiling). */
  terms(query: string): string[] {
    return analyze(query);
  }

  footprint(): Record<string, number> {
    return {};
  }

  close(): void {
    this.index = new Bm25Index(this.params);
    this.ids = [];
  }
}
