import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import type { DenseEngine } from './dense-engine.js';

function keysFrom(first: number, count: number): BigUint64Array {
  const keys = new BigUint64Array(count);
  for (let i = 0; i < count; i++) keys[i] = BigInt(first + i);
  return keys;
}

/**
 * usearch 2.25.3 HNSW (native, prebuilt), cosine metric, f32. Connectivity and expansion_add are
 * usearch's defaults (16 and 128); expansion_search is the default (64) or `expansionSearch`. Builds
 * use every core; a query is one `search(q, k, 1)` call on the calling thread's worker.
 *
 * With `graphFrom`, the engine does not insert the vectors again: it saves that engine's graph to a
 * temporary file and loads it into an index configured with its own expansion_search (the graph is
 * identical, since expansion_search is a query-time setting).
 */
export class UsearchEngine implements DenseEngine {
  readonly name: 'usearch' | 'usearch-ef128';
  readonly description: string;
  private index: Index | undefined;
  private dimension = 0;

  constructor(
    private readonly expansionSearch = 0,
    private readonly graphFrom?: UsearchEngine,
  ) {
    this.name = expansionSearch === 0 ? 'usearch' : 'usearch-ef128';
    this.description =
      'usearch 2.25.3 HNSW, metric cos, f32, connectivity 16, expansion_add 128, ' +
      (expansionSearch === 0 ? 'expansion_search 64 (all defaults)' : `expansion_search ${expansionSearch}`) +
      (graphFrom ? `; graph of \`${graphFrom.name}\` saved and loaded (build = load time)` : '');
  }

  private empty(dimension: number): Index {
    return new Index({
      dimensions: dimension,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      connectivity: 0,
      expansion_add: 0,
      expansion_search: this.expansionSearch,
      multi: false,
    });
  }

  build(vectors: Float32Array, dimension: number): void {
    this.dimension = dimension;
    this.index = this.empty(dimension);
    const source = this.graphFrom?.index;
    if (source) {
      const dir = mkdtempSync(join(tmpdir(), 'lore-bench-usearch-'));
      try {
        source.save(join(dir, 'graph.usearch'));
        this.index.load(join(dir, 'graph.usearch'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    this.index.add(keysFrom(0, vectors.length / dimension), vectors, 0);
  }

  search(query: Float32Array, k: number): number[] {
    if (!this.index) return [];
    const { keys } = this.index.search(query, k, 1);
    return Array.from(keys, Number);
  }

  add(firstRowId: number, vectors: Float32Array): void {
    this.index?.add(keysFrom(firstRowId, vectors.length / this.dimension), vectors, 0);
  }

  /** Size of the saved index (vectors + graph), close to what it holds in memory. */
  footprint(): Record<string, number> {
    if (!this.index) return {};
    const dir = mkdtempSync(join(tmpdir(), 'lore-bench-usearch-'));
    try {
      this.index.save(join(dir, 'graph.usearch'));
      return { indexBytes: statSync(join(dir, 'graph.usearch')).size };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  close(): void {
    this.index = undefined;
  }
}
