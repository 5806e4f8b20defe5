import type { Command } from 'commander';
import { LoreError } from '../../core/errors.js';
import { type GlobalOptions, withApp } from '../context.js';

/**
 * `lore reindex`: builds the OpenSearch index of the active embedder generation from the database (a
 * new index, bulk-loaded in batches, then the alias swapped onto it and the old build dropped);
 * searches keep using the old build until the swap. Afterwards every search catches the index up
 * with the change log.
 */
export function registerReindex(program: Command, global: () => GlobalOptions): void {
  program
    .command('reindex')
    .description(
      'build the OpenSearch index (LORE_SEARCH_URL) from the database, then swap it in; safe while `lore serve` runs',
    )
    .action(async () => {
      await withApp(global(), async (app) => {
        const engine = app.searchEngine;
        if (!engine) {
          throw new LoreError(
            'invalid_config',
            'lore reindex needs LORE_SEARCH_URL (an OpenSearch cluster); without it retrieval lives in the database and needs no reindex',
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
      });
    });
}
