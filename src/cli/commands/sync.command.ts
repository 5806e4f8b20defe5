import { basename, resolve, sep } from 'node:path';
import { watch } from 'chokidar';
import type { Command } from 'commander';
import type { LoreApp } from '../../app/create-app.js';
import { type GlobalOptions, withApp } from '../context.js';
import { collectFiles, isIgnoredFile } from '../files.js';
import { ingestFile, ingestFiles } from './ingest.command.js';

interface SyncOptions {
  collection: string;
  watch?: boolean;
  json?: boolean;
}

/** `lore sync DIR [--watch]`: mirrors a folder into a collection (adds, updates, deletes). */
export function registerSync(program: Command, global: () => GlobalOptions): void {
  program
    .command('sync')
    .description(
      'mirror a folder into a collection: add new files, re-index changed ones, remove deleted ones',
    )
    .argument('<dir>', 'folder to mirror')
    .option('-c, --collection <name>', 'collection to mirror into', 'default')
    .option('-w, --watch', 'keep running and apply changes as they happen')
    .option('--json', 'print one JSON line per file')
    .action(async (dir: string, options: SyncOptions) => {
      await withApp(global(), async (app) => {
        const root = resolve(dir);
        const failed = await syncOnce(app, root, options);
        if (!options.watch) {
          process.exitCode = failed > 0 ? 2 : 0;
          return;
        }
        await watchFolder(app, root, options);
      });
    });
}

/** One full pass: ingest every file, then delete documents whose file is gone. */
export async function syncOnce(app: LoreApp, root: string, options: SyncOptions): Promise<number> {
  const files = (await collectFiles([root])).filter((file) => !isIgnoredFile(file));
  const outcomes = await ingestFiles(app, files, {
    collection: options.collection,
    tag: [],
    json: options.json,
  });
  const removed = await removeMissing(app, root, new Set(files), options.collection);
  if (!options.json && removed > 0) process.stdout.write(`${removed} documents removed (file deleted)\n`);
  return outcomes.filter((outcome) => outcome.status === 'failed').length;
}

async function removeMissing(app: LoreApp, root: string, present: Set<string>, collectionName: string) {
  const collection = await app.store.getCollectionByName(collectionName);
  if (!collection) return 0;
  const prefix = root.endsWith(sep) ? root : root + sep;
  let removed = 0;
  for (const document of await app.store.listDocuments({ collectionId: collection.id })) {
    if (document.source.startsWith(prefix) && !present.has(document.source)) {
      await app.ingest.remove(document.id);
      removed++;
    }
  }
  return removed;
}

async function watchFolder(app: LoreApp, root: string, options: SyncOptions): Promise<void> {
  const pending = new Map<string, NodeJS.Timeout>();
  let chain = Promise.resolve();
  const schedule = (path: string, work: () => Promise<void>) => {
    clearTimeout(pending.get(path));
    // Debounce: editors write files in several steps.
    pending.set(
      path,
      setTimeout(() => {
        pending.delete(path);
        chain = chain.then(work).catch((error: unknown) => {
          process.stderr.write(`sync: ${(error as Error).message}\n`);
        });
      }, 500),
    );
  };
  const ingestPath = (path: string) =>
    schedule(path, async () => {
      if (isIgnoredFile(path) || basename(path).startsWith('.')) return;
      const outcome = await ingestFile(app, path, { collection: options.collection, tag: [] });
      const line =
        outcome.status === 'failed'
          ? `✗ ${outcome.error?.message}`
          : `✓ ${outcome.fileName} (${outcome.status})`;
      process.stdout.write(`${line}\n`);
    });
  const removePath = (path: string) =>
    schedule(path, async () => {
      const collection = await app.store.getCollectionByName(options.collection);
      const document = collection && (await app.store.findDocumentBySource(collection.id, path));
      if (document) {
        await app.ingest.remove(document.id);
        process.stdout.write(`✓ ${basename(path)} (removed)\n`);
      }
    });
  const watcher = watch(root, {
    ignoreInitial: true,
    ignored: (path) => basename(path).startsWith('.') && path !== root,
    awaitWriteFinish: { stabilityThreshold: 300, pollInterval: 100 },
  });
  watcher.on('add', ingestPath).on('change', ingestPath).on('unlink', removePath);
  watcher.on('error', (error) =>
    process.stderr.write(`sync: watching failed: ${(error as Error).message}\n`),
  );
  await new Promise<void>((resolveReady) => watcher.once('ready', () => resolveReady()));
  process.stdout.write(`watching ${root} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      void watcher
        .close()
        .then(() => chain)
        .then(() => resolveStop());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
