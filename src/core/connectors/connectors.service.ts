import { randomUUID } from 'node:crypto';
import type { ConnectorStore } from '../../ports/connector-store.port.js';
import type { Store } from '../../ports/store.port.js';
import { LoreError } from '../errors.js';
import type { AccessService } from '../identity/access.service.js';
import { type Principal, permits } from '../identity/identity.records.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type {
  ConnectorDefinition,
  ConnectorDefinitionSettings,
  ConnectorRun,
  WebConnectorSettings,
} from './connector.records.js';
import type { ConnectorSyncService } from './connector-sync.service.js';

export type NewConnector = ConnectorDefinitionSettings & {
  name: string;
  collectionId: string;
  intervalMinutes?: number;
};

export interface ConnectorWithRuns {
  connector: ConnectorDefinition;
  runs: ConnectorRun[];
}

export interface ConnectorsDependencies {
  connectors: ConnectorStore;
  sync: ConnectorSyncService;
  access: Pick<AccessService, 'require' | 'permissionOn'>;
  store: Pick<Store, 'listDocuments'>;
  ingest: Pick<IngestService, 'remove'>;
  /**
   * Throws `forbidden` when the SSRF policy refuses a URL's address (the web fetcher's check, done
   * before a web source is stored so the caller hears it at once).
   */
  checkWebAddress?(url: string): Promise<void>;
  /** The source prefix a definition's documents carry (from the adapter). */
  sourcePrefix(definition: ConnectorDefinition): string;
  now?: () => Date;
}

const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Connector definitions as users manage them (REST, CLI, UI): every operation needs editor access
 * to the connector's collection; a connector another user cannot edit is reported as not found.
 */
export class ConnectorsService {
  constructor(private readonly deps: ConnectorsDependencies) {}

  /** Stores a new definition after checking its settings and the caller's access. */
  async create(principal: Principal, input: NewConnector): Promise<ConnectorDefinition> {
    await this.deps.access.require(principal, input.collectionId, 'editor');
    const definition = {
      ...checkSettings(input),
      id: randomUUID(),
      name: checkName(input.name),
      collectionId: input.collectionId,
      intervalMinutes: checkInterval(input.intervalMinutes ?? 0),
      ...(principal.userId ? { createdBy: principal.userId } : {}),
      createdAt: this.now().toISOString(),
    } as ConnectorDefinition;
    await this.deps.connectors.create(definition);
    return definition;
  }

  /**
   * A web page or site as a source (`POST /api/v1/sources/url`): checks the URL and its address,
   * stores it as a `web` connector (named after the URL; the same URL in the same collection reuses
   * its connector) and starts a run, which the caller polls through the connector.
   */
  async addUrl(
    principal: Principal,
    input: { url: string; collectionId: string; depth?: number; maxPages?: number; intervalMinutes?: number },
  ): Promise<{ connector: ConnectorDefinition; run: ConnectorRun }> {
    await this.deps.access.require(principal, input.collectionId, 'editor');
    const web = checkWebSettings({
      url: input.url,
      depth: input.depth ?? 0,
      maxPages: input.maxPages ?? ((input.depth ?? 0) === 0 ? 1 : 50),
    });
    try {
      await this.deps.checkWebAddress?.(web.url);
    } catch (error) {
      if (LoreError.is(error) && error.code === 'forbidden') {
        throw new LoreError('invalid_request', `address refused: ${error.message}`, {
          details: { reason: 'address_refused', url: web.url },
        });
      }
      throw error;
    }
    const name = web.url.length <= 100 ? web.url : `${web.url.slice(0, 91)}…${web.url.length}`;
    const existing = await this.deps.connectors.getByName(name);
    let connector: ConnectorDefinition;
    if (existing && existing.collectionId === input.collectionId && existing.kind === 'web') {
      connector = existing;
    } else {
      const taken = existing !== undefined;
      connector = await this.create(principal, {
        kind: 'web',
        web,
        name: taken ? `${name.slice(0, 90)} ${randomUUID().slice(0, 8)}` : name,
        collectionId: input.collectionId,
        intervalMinutes: input.intervalMinutes ?? 0,
      });
    }
    const run = await this.runNow(principal, connector.id, { trigger: 'api' });
    return { connector, run };
  }

  /** The definitions whose collection the caller can edit. */
  async list(principal: Principal): Promise<ConnectorWithRuns[]> {
    const visible: ConnectorWithRuns[] = [];
    for (const connector of await this.deps.connectors.list()) {
      if (!permits(await this.deps.access.permissionOn(principal, connector.collectionId), 'editor'))
        continue;
      visible.push({ connector, runs: await this.deps.connectors.listRuns(connector.id, 1) });
    }
    return visible;
  }

  /** One definition (by id or name) with its last runs. */
  async get(principal: Principal, idOrName: string, runs = 10): Promise<ConnectorWithRuns> {
    const connector = await this.find(principal, idOrName);
    return { connector, runs: await this.deps.connectors.listRuns(connector.id, runs) };
  }

  /**
   * Starts a run and returns it at once; the sync goes on in the background (`wait` awaits it).
   * Throws `conflict` while another run of the connector is in progress.
   */
  async runNow(
    principal: Principal,
    idOrName: string,
    options: {
      trigger: string;
      wait?: boolean;
      onProgress?: Parameters<ConnectorSyncService['execute']>[2]['onProgress'];
    },
  ): Promise<ConnectorRun> {
    const connector = await this.find(principal, idOrName);
    const run = await this.deps.sync.start(connector, options.trigger);
    if (!run) throw new LoreError('conflict', `connector ${connector.name} is already running`);
    const work = this.deps.sync.execute(connector, run, {
      trigger: options.trigger,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    if (options.wait) return work;
    void work.catch(() => undefined);
    return run;
  }

  /**
   * Asks the connector's running run to stop: this process's run stops at once, a run of another
   * process at its next check of the record (within a second); it ends `cancelled` between two
   * pages or files, keeps what it indexed and removes nothing. Returns the run as marked; throws
   * `conflict` when no run is in progress.
   */
  async cancel(principal: Principal, idOrName: string): Promise<ConnectorRun> {
    const connector = await this.find(principal, idOrName);
    const run = await this.deps.connectors.requestCancel(connector.id, this.now().toISOString());
    if (!run) throw new LoreError('conflict', `connector ${connector.name} has no run in progress to cancel`);
    this.deps.sync.abort(run.id);
    return run;
  }

  /** Deletes a definition; with `purge`, also the documents it indexed. Returns documents removed. */
  async remove(principal: Principal, idOrName: string, options: { purge?: boolean } = {}): Promise<number> {
    const connector = await this.find(principal, idOrName);
    await this.deps.connectors.delete(connector.id);
    if (!options.purge) return 0;
    const prefix = this.deps.sourcePrefix(connector);
    let removed = 0;
    for (const document of await this.deps.store.listDocuments({ collectionId: connector.collectionId })) {
      if (!document.source.startsWith(prefix)) continue;
      await this.deps.ingest.remove(document.id);
      removed++;
    }
    return removed;
  }

  /**
   * Runs every connector whose interval has passed since its last run started (the scheduler's
   * `sync-connectors` task), one after another. Returns how many ran.
   */
  async runDue(at: Date = this.now()): Promise<{ ran: number; failed: number }> {
    const now = at.getTime();
    let ran = 0;
    let failed = 0;
    for (const connector of await this.deps.connectors.list()) {
      if (connector.intervalMinutes <= 0) continue;
      const [last] = await this.deps.connectors.listRuns(connector.id, 1);
      if (last && Date.parse(last.startedAt) + connector.intervalMinutes * 60_000 > now) continue;
      const run = await this.deps.sync.run(connector, { trigger: 'schedule' });
      if (!run) continue;
      ran++;
      if (run.state === 'failed') failed++;
    }
    return { ran, failed };
  }

  private async find(principal: Principal, idOrName: string): Promise<ConnectorDefinition> {
    const connector =
      (await this.deps.connectors.get(idOrName)) ?? (await this.deps.connectors.getByName(idOrName));
    if (!connector) throw new LoreError('not_found', `no connector ${idOrName}`);
    try {
      await this.deps.access.require(principal, connector.collectionId, 'editor');
    } catch (error) {
      if (LoreError.is(error) && error.code === 'not_found') {
        throw new LoreError('not_found', `no connector ${idOrName}`);
      }
      throw error;
    }
    return connector;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

function checkName(name: string): string {
  const trimmed = name.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (trimmed === '' || trimmed.length > 100 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new LoreError('invalid_request', 'a connector name is 1–100 printable characters');
  }
  return trimmed;
}

function checkInterval(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 525_600) {
    throw new LoreError(
      'invalid_request',
      'intervalMinutes is a whole number of minutes from 0 (manual only) to 525600',
    );
  }
  if (minutes > 0 && minutes < 5)
    throw new LoreError('invalid_request', 'intervalMinutes is at least 5 (or 0 for manual runs)');
  return minutes;
}

/** Validates the kind-specific settings; refuses anything that would store a secret. */
export function checkSettings(input: ConnectorDefinitionSettings): ConnectorDefinitionSettings {
  if (input.kind === 's3') {
    if (!input.s3) throw new LoreError('invalid_request', 'an S3 connector needs s3: { bucket, prefix }');
    const { bucket, prefix, region, endpoint } = input.s3;
    if (!bucketPattern.test(bucket))
      throw new LoreError('invalid_request', `not an S3 bucket name: ${bucket}`);
    if (endpoint !== undefined && !/^https?:\/\/[^/@\s]+(\/.*)?$/.test(endpoint)) {
      throw new LoreError('invalid_request', 'the S3 endpoint is an http(s) URL without credentials');
    }
    return {
      kind: 's3',
      s3: {
        bucket,
        prefix: (prefix ?? '').replace(/^\/+/, ''),
        ...(region ? { region } : {}),
        ...(endpoint ? { endpoint } : {}),
      },
    };
  }
  if (input.kind === 'git') {
    if (!input.git) throw new LoreError('invalid_request', 'a Git connector needs git: { url }');
    const { url, branch, path } = input.git;
    if (!url || /\s/.test(url))
      throw new LoreError('invalid_request', 'a Git connector needs a clone URL or an absolute path');
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url)) {
      throw new LoreError(
        'invalid_request',
        'the Git URL carries a password; use an SSH key or a Git credential helper on the Lore host instead',
      );
    }
    if (url.startsWith('-') || branch?.startsWith('-') || path?.startsWith('-')) {
      throw new LoreError('invalid_request', 'Git URL, branch and path may not start with "-"');
    }
    if (path?.split('/').includes('..'))
      throw new LoreError('invalid_request', 'the Git path may not contain ".."');
    return { kind: 'git', git: { url, ...(branch ? { branch } : {}), ...(path ? { path } : {}) } };
  }
  if (input.kind === 'web') return { kind: 'web', web: checkWebSettings(input.web) };
  throw new LoreError('invalid_request', `unknown connector kind ${(input as { kind: string }).kind}`);
}

/** Largest crawl depth a web connector may ask for. */
export const maxWebDepth = 5;

/** A start URL (http or https, no credentials), depth 0–5 and maxPages ≥ 1. */
export function checkWebSettings(web: WebConnectorSettings | undefined): WebConnectorSettings {
  if (!web) throw new LoreError('invalid_request', 'a web connector needs web: { url, depth, maxPages }');
  const url = checkWebUrl(web.url);
  const depth = web.depth ?? 0;
  const maxPages = web.maxPages ?? (depth === 0 ? 1 : 50);
  if (!Number.isInteger(depth) || depth < 0 || depth > maxWebDepth) {
    throw new LoreError(
      'invalid_request',
      `depth is a whole number from 0 (the page alone) to ${maxWebDepth}`,
    );
  }
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > 100_000) {
    throw new LoreError('invalid_request', 'maxPages is a whole number from 1 to 100000');
  }
  return { url, depth, maxPages };
}

/** The normalised href of an http(s) URL without credentials; `invalid_request` otherwise. */
export function checkWebUrl(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new LoreError('invalid_request', 'a web source needs a url (http:// or https://)');
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new LoreError('invalid_request', `not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LoreError('invalid_request', `${value}: only http:// and https:// URLs are fetched`);
  }
  if (url.username || url.password) {
    throw new LoreError('invalid_request', `${url.host}: URLs carrying a user name or password are refused`);
  }
  url.hash = '';
  return url.href;
}
