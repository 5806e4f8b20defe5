import { resolve } from 'node:path';
import type { Command } from 'commander';
import { LoreError } from '../../core/errors.js';
import { localPrincipal } from '../../core/identity/identity.records.js';
import type { DocumentRecord } from '../../core/records.js';
import { type GlobalOptions, withApp } from '../context.js';
import { remoteClient, remoteCollectionIds, unwrap } from '../remote.js';

/** `lore documents` lists what is indexed; `lore remove` deletes documents. */
export function registerDocuments(program: Command, global: () => GlobalOptions): void {
  program
    .command('documents')
    .description('list indexed documents with their pages, chunks and parse warnings')
    .option('-c, --collection <name>', 'only this collection')
    .option('--warnings', 'print each document’s warnings')
    .option('--json', 'print JSON')
    .action(async (options: { collection?: string; warnings?: boolean; json?: boolean }) => {
      const client = remoteClient(global());
      if (client) {
        const [collectionId] = options.collection
          ? await remoteCollectionIds(client, [options.collection])
          : [];
        const names = new Map(
          unwrap(await client.GET('/api/v1/collections')).collections.map((entry) => [entry.id, entry.name]),
        );
        const { documents } = unwrap(
          await client.GET('/api/v1/documents', {
            params: { query: { limit: 1000, ...(collectionId ? { collectionId } : {}) } },
          }),
        );
        printDocuments(documents, names, options);
        return;
      }
      await withApp(global(), async (app) => {
        const collection = options.collection
          ? await app.store.getCollectionByName(options.collection)
          : undefined;
        if (options.collection && !collection)
          throw new LoreError('not_found', `no collection named "${options.collection}"`);
        const documents = await app.documents.list(
          localPrincipal,
          collection ? { collectionId: collection.id } : {},
        );
        const names = new Map((await app.store.listCollections()).map((entry) => [entry.id, entry.name]));
        printDocuments(documents, names, options);
      });
    });

  registerRemove(program, global);
}

function printDocuments(
  documents: readonly (Pick<
    DocumentRecord,
    'id' | 'collectionId' | 'fileName' | 'pageCount' | 'chunkCount'
  > & {
    format: string;
    warnings: { message: string }[];
  })[],
  names: ReadonlyMap<string, string>,
  options: { warnings?: boolean; json?: boolean },
): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(documents, null, 2)}\n`);
    return;
  }
  for (const document of documents) {
    const pages = document.pageCount === undefined ? '' : `${document.pageCount} pages, `;
    const warnings = document.warnings.length ? `, ${document.warnings.length} warnings` : '';
    process.stdout.write(
      `${document.id}  ${names.get(document.collectionId)}/${document.fileName} (${document.format}, ${pages}${document.chunkCount} chunks${warnings})\n`,
    );
    if (options.warnings)
      for (const warning of document.warnings) process.stdout.write(`    ${warning.message}\n`);
  }
  process.stdout.write(`${documents.length} documents\n`);
}

function registerRemove(program: Command, global: () => GlobalOptions): void {
  program
    .command('remove')
    .description('remove documents from the index (by id, or by source path with --source)')
    .argument('<ids...>', 'document ids (or source paths with --source)')
    .option('--source', 'the arguments are source paths')
    .option('-c, --collection <name>', 'collection of the source paths', 'default')
    .action(async (ids: string[], options: { source?: boolean; collection: string }) => {
      await withApp(global(), async (app) => {
        for (const id of ids) {
          let documentId: string | undefined = id;
          if (options.source) {
            const collection = await app.store.getCollectionByName(options.collection);
            documentId = collection && (await app.store.findDocumentBySource(collection.id, resolve(id)))?.id;
          }
          const document = documentId
            ? await app.documents.delete(localPrincipal, documentId).catch(notFoundAsUndefined)
            : undefined;
          if (!document) {
            process.stderr.write(`✗ ${id}: no such document\n`);
            process.exitCode = 2;
            continue;
          }
          process.stdout.write(`✓ removed ${document.fileName}\n`);
        }
      });
    });
}

/** A document that is not there (or gone meanwhile) is reported by the caller, not thrown. */
function notFoundAsUndefined(error: unknown): undefined {
  if (LoreError.is(error) && error.code === 'not_found') return undefined;
  throw error;
}
