import type { LoreApp } from '../../app/create-app.js';
import { LoreError } from '../../core/errors.js';

/**
 * `lore reindex --search`: builds the OpenSearch index of the active embedder generation from the
 * database (a new index, bulk-loaded in batches, then the alias swapped onto it and the old build
 * dropped); searches keep using the old build until the swap. Afterwards every search catches the
 * index up with the change log.
 */
export async function reindexSearch(app: LoreApp): Promise<void> {
  const engine = app.searchEngine;
  if (!engine) {
    throw new LoreError(
      'invalid_config',
      'lore reindex --search needs LORE_SEARCH_URL (an OpenSearch cluster); without it retrieval lives in the database and needs no search index',
    );
  }
  const health = await engine.health();
  const started = Date.now();
  const report = await engine.rebuild();
  process.stdout.write(
    `OpenSearch ${health.cluster_name} (${health.status}): ${report.alias} -> ${report.index}, ${report.chunks} chunks, ${report.vectors} vectors in ${Date.now() - started} ms${
      report.removedIndexes.length > 0 ? `; dropped ${report.removedIndexes.join(', ')}` : ''
    }\n`,
  );
}
