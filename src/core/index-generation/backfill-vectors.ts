import type { Embedder } from '../../ports/embedder.port.js';
import type { Store } from '../../ports/store.port.js';
import { LoreError } from '../errors.js';
import { embeddingText } from '../ingest/ingest.service.js';

export interface BackfillOptions {
  /** Chunks embedded per step. */
  batchSize: number;
  /** Only this collection's chunks; all chunks when absent. */
  collectionId?: string;
  signal?: AbortSignal;
  /** What a cancelled build is called in the error ("index generation build", …). */
  what: string;
  /** Called after each stored batch with the running count. */
  onBatch?: (embedded: number) => Promise<void>;
}

/**
 * Embeds every chunk that has no vector from `embedder` (resumable: it asks the store what is
 * missing each step, so a crashed build continues where it stopped); returns how many it embedded.
 */
export async function backfillVectors(
  store: Pick<Store, 'chunksMissingVectors' | 'getDocuments' | 'putVectors'>,
  embedder: Embedder,
  options: BackfillOptions,
): Promise<number> {
  const dimension = await embedder.dimension();
  let embedded = 0;
  // Keyset paging: each step starts after the last chunk seen, so a step costs its batch, not a
  // rescan of everything embedded so far (quadratic in the corpus before).
  let afterId = 0;
  for (;;) {
    if (options.signal?.aborted) throw new LoreError('cancelled', `The ${options.what} was cancelled.`);
    const chunks = await store.chunksMissingVectors(
      embedder.id,
      options.batchSize,
      options.collectionId,
      afterId,
    );
    if (chunks.length === 0) return embedded;
    afterId = chunks.at(-1)!.id;
    const documents = await store.getDocuments([...new Set(chunks.map((chunk) => chunk.documentId))]);
    const titles = new Map(documents.map((document) => [document.id, document.title]));
    const vectors = await embedder.embed(
      chunks.map((chunk) => embeddingText(titles.get(chunk.documentId) ?? '', chunk)),
      'document',
      options.signal,
    );
    await store.putVectors(
      embedder.id,
      dimension,
      chunks.map((chunk, index) => ({ rowId: chunk.id, vector: vectors[index]! })),
    );
    embedded += chunks.length;
    await options.onBatch?.(embedded);
  }
}
