import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ConnectorDefinitionSettings, ConnectorRun } from '../../core/connectors/connector.records.js';
import { localPrincipal } from '../../core/identity/identity.records.js';
import { type GlobalOptions, withApp } from '../context.js';

interface AddOptions {
  collection: string;
  every: string;
  branch?: string;
  path?: string;
  region?: string;
  endpoint?: string;
  depth?: number;
  maxPages?: number;
}

/** Turns `s3://bucket/prefix`, `git+https://…`, a clone URL or a local path into settings. */
export function connectorSettingsFromUrl(
  url: string,
  options: Partial<AddOptions>,
): ConnectorDefinitionSettings {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (s3) {
    return {
      kind: 's3',
      s3: {
        bucket: s3[1]!,
        prefix: s3[2] ?? '',
        ...(options.region ? { region: options.region } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      },
    };
  }
  // A plain http(s) URL is a web page or site; a clone URL says git+https://… or ends in .git.
  if (/^https?:\/\//i.test(url) && !/\.git\/?$/i.test(new URL(url).pathname)) {
    const depth = options.depth ?? 0;
    return { kind: 'web', web: { url, depth, maxPages: options.maxPages ?? (depth === 0 ? 1 : 50) } };
  }
  const git = url.replace(/^git\+/, '');
  const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(git) || /^[^/\s]+@[^/\s]+:/.test(git);
  return {
    kind: 'git',
    git: {
      url: remote ? git : resolve(git),
      ...(options.branch ? { branch: options.branch } : {}),
      ...(options.path ? { path: options.path } : {}),
    },
  };
}

function describeRun(run: ConnectorRun | undefined): string {
  if (!run) return 'never run';
  const counts = `${run.seen} seen, ${run.added} added, ${run.updated} updated, ${run.removed} removed, ${run.failed} failed`;
  return `${run.state} ${run.startedAt} (${counts})${run.error ? `: ${run.error}` : ''}`;
}

/** `lore connectors add|list|run|remove`: S3 and Git sources synced into a collection. */
export function registerConnectors(program: Command, global: () => GlobalOptions): void {
  const connectors = program
    .command('connectors')
    .description(
      'sources synced into a collection on a schedule: an S3 bucket/prefix, a Git repository or a website',
    );

  connectors
    .command('add')
    .description(
      'define a connector: lore connectors add handbook s3://bucket/prefix | git+https://host/repo.git | ./repo | https://site/docs/',
    )
    .argument('<name>', 'unique name')
    .argument(
      '<url>',
      's3://bucket/prefix, a Git clone URL (git+https://…, …/repo.git, ssh://…, git@host:repo), a local repository or a web page/site (https://…)',
    )
    .option('-c, --collection <name>', 'collection to sync into (created when missing)', 'default')
    .option(
      '--every <minutes>',
      'minutes between scheduled runs by `lore serve` (0: only `lore connectors run`)',
      '60',
    )
    .option('--branch <branch>', 'Git: branch or tag (default: the remote default branch)')
    .option('--path <folder>', 'Git: only files under this folder')
    .option('--region <region>', 'S3: region of the bucket (default LORE_S3_REGION)')
    .option('--endpoint <url>', 'S3: an S3-compatible endpoint (default LORE_S3_ENDPOINT)')
    .option('--depth <n>', 'web: links followed from the start page (0: the page alone)', Number)
    .option('--max-pages <n>', 'web: most pages per crawl (capped by LORE_WEB_MAX_CRAWL_PAGES)', Number)
    .action(async (name: string, url: string, options: AddOptions) => {
      await withApp(global(), async (app) => {
        const collection = await app.store.ensureCollection(options.collection);
        const definition = await app.connectorAdmin.create(localPrincipal, {
          ...connectorSettingsFromUrl(url, options),
          name,
          collectionId: collection.id,
          intervalMinutes: Number(options.every),
        });
        process.stdout.write(
          `connector ${definition.name} (${definition.id}) syncs into ${collection.name}\n`,
        );
      });
    });

  connectors
    .command('list')
    .description('connectors with their last run')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withApp(global(), async (app) => {
        const entries = await app.connectorAdmin.list(localPrincipal);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
          return;
        }
        if (entries.length === 0) process.stdout.write('no connectors\n');
        for (const { connector, runs } of entries) {
          const where =
            connector.kind === 's3'
              ? `s3://${connector.s3.bucket}/${connector.s3.prefix}`
              : connector.kind === 'git'
                ? connector.git.url
                : `${connector.web.url} (depth ${connector.web.depth}, ≤${connector.web.maxPages} pages)`;
          const every = connector.intervalMinutes > 0 ? `every ${connector.intervalMinutes} min` : 'manual';
          process.stdout.write(
            `${connector.name}\t${connector.kind}\t${where}\t${every}\t${describeRun(runs[0])}\n`,
          );
        }
      });
    });

  connectors
    .command('run')
    .description(
      'sync a connector now and wait for it (exit code 2 when items failed, 1 when the run failed or was cancelled)',
    )
    .argument('<name>', 'connector name or id')
    .option('--json', 'print the run as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      await withApp(global(), async (app) => {
        const run = await app.connectorAdmin.runNow(localPrincipal, name, {
          trigger: 'cli',
          wait: true,
          ...(options.json || !process.stderr.isTTY
            ? {}
            : {
                onProgress: (counts) =>
                  process.stderr.write(
                    `\r${counts.seen} seen, ${counts.added} added, ${counts.updated} updated, ${counts.failed} failed`,
                  ),
              }),
        });
        if (!options.json && process.stderr.isTTY) process.stderr.write('\n');
        if (options.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
        else {
          process.stdout.write(`${describeRun(run)}\n`);
          for (const failure of run.failures) process.stdout.write(`✗ ${failure.key}: ${failure.message}\n`);
        }
        process.exitCode = run.state === 'failed' || run.state === 'cancelled' ? 1 : run.failed > 0 ? 2 : 0;
      });
    });

  connectors
    .command('cancel')
    .description(
      'stop the running sync or crawl of a connector (the process running it stops within a second)',
    )
    .argument('<name>', 'connector name or id')
    .action(async (name: string) => {
      await withApp(global(), async (app) => {
        const run = await app.connectorAdmin.cancel(localPrincipal, name);
        process.stdout.write(`run ${run.id} of ${name} asked to stop; it ends cancelled, nothing removed\n`);
      });
    });

  connectors
    .command('remove')
    .description('delete a connector (its documents stay unless --purge)')
    .argument('<name>', 'connector name or id')
    .option('--purge', 'also delete the documents it indexed')
    .action(async (name: string, options: { purge?: boolean }) => {
      await withApp(global(), async (app) => {
        const removed = await app.connectorAdmin.remove(localPrincipal, name, {
          purge: options.purge ?? false,
        });
        process.stdout.write(
          `connector ${name} removed${options.purge ? `, ${removed} documents deleted` : ''}\n`,
        );
      });
    });
}
