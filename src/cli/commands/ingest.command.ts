import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { LoreApp } from '../../app/create-app.js';
import { LoreError } from '../../core/errors.js';
import type { IngestOutcome } from '../../core/ingest/ingest.service.js';
import { type GlobalOptions, withApp } from '../context.js';
import { collectFiles, isIgnoredFile } from '../files.js';
import { Progress } from '../progress.js';

interface IngestOptions {
  collection: string;
  tag: string[];
  password?: string;
  json?: boolean;
  depth?: string;
  maxPages?: string;
  anyHost?: boolean;
}

/** `lore ingest PATH...`: parses, chunks and indexes files and folders. */
export function registerIngest(program: Command, global: () => GlobalOptions): void {
  program
    .command('ingest')
    .description('ingest files and folders into a collection (unchanged files are skipped)')
    .argument('<paths...>', 'files, folders or http(s) URLs (a URL is fetched, or crawled with --depth)')
    .option('-c, --collection <name>', 'collection to add to', 'default')
    .option('-t, --tag <tag>', 'tag the documents (repeatable)', collect, [])
    .option('--password <password>', 'password for encrypted PDFs')
    .option('--json', 'print one JSON line per file')
    .option('--depth <n>', 'for URLs: follow links this many steps from the page (0: the page alone)', '0')
    .option('--max-pages <n>', 'for URLs: most pages fetched per URL', '100')
    .option('--any-host', 'for URLs: follow links to other hosts too (same host by default)')
    .action(async (paths: string[], options: IngestOptions) => {
      const urls = paths.filter(isWebUrl);
      const files = (await collectFiles(paths.filter((path) => !isWebUrl(path)))).filter(
        (file) => !isIgnoredFile(file),
      );
      const outcomes = await withApp(global(), async (app) => [
        ...(files.length > 0 ? await ingestFiles(app, files, options) : []),
        ...(await crawlUrls(app, urls, options)),
      ]);
      const failed = outcomes.filter((outcome) => outcome.status === 'failed').length;
      process.exitCode = failed > 0 ? 2 : 0;
    });
}

/** True for an argument naming a web page rather than a path. */
function isWebUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/** Fetches or crawls each URL, printing one line per page; returns the pages' outcomes. */
async function crawlUrls(
  app: LoreApp,
  urls: string[],
  options: IngestOptions,
): Promise<{ status: string }[]> {
  const outcomes: { status: string }[] = [];
  for (const url of urls) {
    const report = await app.crawler.crawl({
      url,
      collection: options.collection,
      ...(options.tag.length > 0 ? { tags: options.tag } : {}),
      crawl: {
        depth: positiveInteger(options.depth ?? '0', '--depth'),
        maxPages: positiveInteger(options.maxPages ?? '100', '--max-pages'),
        sameHost: options.anyHost !== true,
      },
      onPage: (page) => {
        if (options.json) {
          const error = page.error ? { code: page.error.code, message: page.error.message } : undefined;
          process.stdout.write(
            `${JSON.stringify({ url: page.url, status: page.status, documentId: page.documentId, error })}\n`,
          );
        } else if (page.status === 'failed' || page.status === 'disallowed') {
          process.stderr.write(`✗ ${page.error?.message ?? page.url} [${page.error?.code ?? page.status}]\n`);
        } else process.stdout.write(`✓ ${page.url} (${page.status})\n`);
      },
    });
    outcomes.push(...report.pages);
  }
  return outcomes;
}

function positiveInteger(value: string, option: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new LoreError('invalid_request', `${option} expects a whole number, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** Ingests files with the configured parse concurrency, reporting each outcome as it lands. */
export async function ingestFiles(
  app: LoreApp,
  files: string[],
  options: IngestOptions,
): Promise<IngestOutcome[]> {
  const progress = new Progress('ingest');
  const outcomes: IngestOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const path = files[next++]!;
      const outcome = await ingestFile(app, path, options);
      outcomes.push(outcome);
      progress.clear();
      report(outcome, options.json === true);
      progress.update(outcomes.length, files.length, basename(path));
    }
  };
  await Promise.all(Array.from({ length: app.config.parseConcurrency }, worker));
  progress.clear();
  if (!options.json) summarise(outcomes);
  return outcomes;
}

/** Ingests one file from disk; an unreadable file becomes a failed outcome like any bad file. */
export async function ingestFile(
  app: LoreApp,
  path: string,
  options: Pick<IngestOptions, 'collection' | 'tag' | 'password'>,
): Promise<IngestOutcome> {
  const fileName = basename(path);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      status: 'failed',
      fileName,
      source: path,
      error: new LoreError('not_found', `${fileName}: could not be read (${reason})`),
    };
  }
  return app.ingest.ingest({
    bytes,
    fileName,
    source: path,
    collection: options.collection,
    ...(options.tag.length > 0 ? { tags: options.tag } : {}),
    ...(options.password ? { password: options.password } : {}),
  });
}

function report(outcome: IngestOutcome, json: boolean): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        file: outcome.source,
        status: outcome.status,
        documentId: outcome.document?.id,
        pages: outcome.pages,
        chunks: outcome.chunks,
        warnings: outcome.document?.warnings.length ?? 0,
        error: outcome.error ? { code: outcome.error.code, message: outcome.error.message } : undefined,
      })}\n`,
    );
    return;
  }
  if (outcome.status === 'failed') {
    process.stderr.write(`✗ ${outcome.error?.message ?? outcome.fileName} [${outcome.error?.code}]\n`);
    return;
  }
  const warnings = outcome.document?.warnings ?? [];
  const detail =
    outcome.status === 'unchanged'
      ? 'unchanged'
      : `${outcome.status}: ${outcome.pages !== undefined ? `${outcome.pages} pages, ` : ''}${outcome.chunks ?? 0} chunks`;
  process.stdout.write(
    `✓ ${outcome.fileName} (${detail}${warnings.length ? `, ${warnings.length} warnings` : ''})\n`,
  );
  if (outcome.status !== 'unchanged') {
    for (const warning of warnings.slice(0, 3)) process.stdout.write(`    warning: ${warning.message}\n`);
    if (warnings.length > 3) process.stdout.write(`    … and ${warnings.length - 3} more warnings\n`);
  }
}

function summarise(outcomes: IngestOutcome[]): void {
  const count = (status: IngestOutcome['status']) =>
    outcomes.filter((outcome) => outcome.status === status).length;
  process.stdout.write(
    `\n${outcomes.length} files: ${count('added')} added, ${count('updated')} updated, ${count('unchanged')} unchanged, ${count('failed')} failed\n`,
  );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
