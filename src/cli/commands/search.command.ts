import type { Command } from 'commander';
import type { LoreApp } from '../../app/create-app.js';
import { locationLabel } from '../../core/answer/citation.js';
import { LoreError } from '../../core/errors.js';
import type { SearchFilter } from '../../core/records.js';
import type { SearchMode } from '../../core/search/search.service.js';
import { type GlobalOptions, withApp } from '../context.js';
import { remoteClient, remoteCollectionIds, unwrap } from '../remote.js';

export interface FilterOptions {
  collection?: string[];
  tag?: string[];
  after?: string;
  before?: string;
}

/** `lore search "q"`: ranked passages. */
export function registerSearch(program: Command, global: () => GlobalOptions): void {
  program
    .command('search')
    .description('search the indexed documents')
    .argument('<query>', 'what to look for')
    .option('-n, --limit <n>', 'number of results', '10')
    .option('-m, --mode <mode>', 'hybrid, lexical or dense')
    .option('-c, --collection <name...>', 'only these collections')
    .option('-t, --tag <tag...>', 'only documents with these tags')
    .option('--after <date>', 'only documents updated after this ISO date')
    .option('--before <date>', 'only documents updated before this ISO date')
    .option('--json', 'print JSON')
    .action(
      async (
        query: string,
        options: FilterOptions & { limit: string; mode?: SearchMode; json?: boolean },
      ) => {
        const client = remoteClient(global());
        const result = client
          ? unwrap(
              await client.POST('/api/v1/search', {
                body: {
                  query,
                  limit: Number(options.limit),
                  ...(options.mode ? { mode: options.mode } : {}),
                  filter: {
                    ...(options.collection?.length
                      ? { collectionIds: await remoteCollectionIds(client, options.collection) }
                      : {}),
                    ...(options.tag?.length ? { tags: options.tag } : {}),
                    ...(options.after ? { updatedAfter: new Date(options.after).toISOString() } : {}),
                    ...(options.before ? { updatedBefore: new Date(options.before).toISOString() } : {}),
                  },
                },
              }),
            )
          : await withApp(global(), async (app) => {
              const filter = await toFilter(app, options);
              return app.search.search({
                query,
                limit: Number(options.limit),
                ...(filter ? { filter } : {}),
                ...(options.mode ? { mode: options.mode } : {}),
              });
            });
        if (options.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        if (result.hits.length === 0) process.stdout.write('no results\n');
        for (const hit of result.hits) {
          const snippet = hit.chunk.text.replace(/\s+/g, ' ').slice(0, 220);
          process.stdout.write(
            `${hit.rank}. ${hit.document.title} — ${locationLabel({ fileName: hit.document.fileName, ...hit.chunk })} ` +
              `[chars ${hit.chunk.start}–${hit.chunk.end}] score ${hit.score.toFixed(3)}\n   ${snippet}\n`,
          );
        }
        process.stdout.write(`(${result.mode}, ${result.timings.totalMs.toFixed(1)} ms)\n`);
      },
    );
}

/** Turns CLI filter options into a SearchFilter, resolving collection names. */
export async function toFilter(app: LoreApp, options: FilterOptions): Promise<SearchFilter | undefined> {
  const filter: SearchFilter = {};
  if (options.collection?.length) {
    const ids: string[] = [];
    for (const name of options.collection) {
      const collection = await app.store.getCollectionByName(name);
      if (!collection) throw new LoreError('not_found', `no collection named "${name}"`);
      ids.push(collection.id);
    }
    filter.collectionIds = ids;
  }
  if (options.tag?.length) filter.tags = options.tag;
  if (options.after) filter.updatedAfter = new Date(options.after).toISOString();
  if (options.before) filter.updatedBefore = new Date(options.before).toISOString();
  return Object.keys(filter).length > 0 ? filter : undefined;
}
