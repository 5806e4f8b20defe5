import { join } from 'node:path';
import type { LoreConfig } from '../config/config.schema.js';
import { AnnVectorIndex, type IndexLog } from '../core/search/ann-vector-index.js';
import { VectorIndex } from '../core/search/vector-index.js';
import type { Embedder } from '../ports/embedder.port.js';
import type { DenseRetriever } from '../ports/retriever.port.js';
import type { Store } from '../ports/store.port.js';
import type { AnnIndexFiles } from '../ports/vector-index.port.js';

/** The embedded dense retrievers of one app: made per embedder, saved on close. */
export interface EmbeddedDense {
  indexFor(embedder: Embedder): DenseRetriever;
  /** What `LORE_VECTOR_INDEX` resolved to (`exact` when usearch could not load). */
  kind: 'hnsw' | 'exact';
  close(): Promise<void>;
}

/**
 * Chooses the embedded dense index: usearch HNSW files in `<dataDir>/vectors/` (default), or the
 * exact flat scan with `LORE_VECTOR_INDEX=exact` or when usearch fails to load (one warning).
 * One HNSW retriever per embedder: asked again for the same embedder (a collection switched to it),
 * the existing one re-checks its rows against the Store instead of loading a second copy.
 */
export async function embeddedDense(
  config: Pick<LoreConfig, 'dataDir' | 'vectorIndex'> &
    Partial<Pick<LoreConfig, 'vectorIndexEfSearch' | 'vectorIndexExactUpTo'>>,
  store: Store,
  log: IndexLog,
): Promise<EmbeddedDense> {
  const files =
    config.vectorIndex === 'hnsw'
      ? await usearchFiles(join(config.dataDir, 'vectors'), config.vectorIndexEfSearch ?? 0, log)
      : undefined;
  if (!files) {
    return { kind: 'exact', indexFor: (embedder) => new VectorIndex(store, embedder), close: async () => {} };
  }
  // A generation-following embedder (it has `pin`) by identity, a fixed one by id.
  const indexes = new Map<Embedder | string, AnnVectorIndex>();
  const keyOf = (embedder: Embedder) => (embedder.pin ? embedder : embedder.id);
  return {
    kind: 'hnsw',
    indexFor(embedder) {
      const existing = indexes.get(keyOf(embedder));
      if (existing) {
        existing.recheck();
        return existing;
      }
      const index = new AnnVectorIndex({
        store,
        embedder,
        files,
        log,
        options: { exactUpToRows: config.vectorIndexExactUpTo ?? 0 },
      });
      indexes.set(keyOf(embedder), index);
      return index;
    },
    async close() {
      for (const index of indexes.values()) {
        try {
          await index.close();
        } catch (error) {
          log.warn(
            { err: error },
            'vector index: saving on close failed (caught up from the database next start)',
          );
        }
      }
    },
  };
}

async function usearchFiles(
  folder: string,
  expansionSearch: number,
  log: IndexLog,
): Promise<AnnIndexFiles | undefined> {
  try {
    const { usearchAnnFiles } = await import('../adapters/vector/usearch-ann-index.js');
    return usearchAnnFiles(folder, expansionSearch);
  } catch (error) {
    log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'LORE_VECTOR_INDEX=hnsw but usearch failed to load: using the exact scan',
    );
    return undefined;
  }
}
