import { randomUUID } from 'node:crypto';
import type { Connector, ConnectorItem } from '../../ports/connector.port.js';
import type { ConnectorStore } from '../../ports/connector-store.port.js';
import type { Store } from '../../ports/store.port.js';
import { LoreError, toLoreError } from '../errors.js';
import type { IngestService } from '../ingest/ingest.service.js';
import type {
  ConnectorDefinition,
  ConnectorItemFailure,
  ConnectorRun,
  ConnectorRunCounts,
} from './connector.records.js';

export interface ConnectorSyncDependencies {
  store: Pick<Store, 'findDocumentBySource' | 'listDocuments' | 'getCollection'>;
  ingest: Pick<IngestService, 'ingest' | 'remove'>;
  connectors: ConnectorStore;
  /** Opens the remote a definition names (adapters live in src/adapters/connectors). */
  open(definition: ConnectorDefinition): Connector;
  /** Items larger than this fail alone without being downloaded (LORE_MAX_FILE_BYTES). */
  maxItemBytes: number;
  /** A run still marked running after this long is taken for dead (its process crashed). */
  staleRunMs?: number;
  now?: () => Date;
}

export interface RunOptions {
  trigger: string;
  signal?: AbortSignal;
  /** Called after every item with the counts so far. */
  onProgress?: (counts: ConnectorRunCounts, item?: ConnectorItem) => void;
}

const maxFailuresKept = 50;
/** Counts are written to the run record at most this often (and at the end). */
const progressWriteMs = 1_000;

/**
 * Mirrors one connector into its collection with the semantics of `lore sync`: new items are
 * added, items whose version changed are read again (and re-indexed when their content hash
 * changed), documents whose item is gone are removed. A bad item fails alone with a named error;
 * a listing that fails ends the run without removing anything.
 */
export class ConnectorSyncService {
  constructor(private readonly deps: ConnectorSyncDependencies) {}

  /** Runs a connector now; undefined when a run of it is already in progress. */
  async run(definition: ConnectorDefinition, options: RunOptions): Promise<ConnectorRun | undefined> {
    const run = await this.start(definition, options.trigger);
    if (!run) return undefined;
    return this.execute(definition, run, options);
  }

  /** Claims a run record (at most one running per connector); undefined when one is running. */
  async start(definition: ConnectorDefinition, trigger: string): Promise<ConnectorRun | undefined> {
    const now = this.now();
    const staleBefore = new Date(now.getTime() - (this.deps.staleRunMs ?? 6 * 3_600_000)).toISOString();
    return this.deps.connectors.startRun(
      {
        id: randomUUID(),
        connectorId: definition.id,
        state: 'running',
        trigger,
        startedAt: now.toISOString(),
        seen: 0,
        added: 0,
        updated: 0,
        unchanged: 0,
        removed: 0,
        failed: 0,
        failures: [],
      },
      staleBefore,
    );
  }

  /** Does the work of a started run and records its outcome; never throws for remote failures. */
  async execute(
    definition: ConnectorDefinition,
    run: ConnectorRun,
    options: RunOptions,
  ): Promise<ConnectorRun> {
    const counts: ConnectorRunCounts = { seen: 0, added: 0, updated: 0, unchanged: 0, removed: 0, failed: 0 };
    const failures: ConnectorItemFailure[] = [];
    let lastWrite = 0;
    const report = async (item?: ConnectorItem, force = false) => {
      options.onProgress?.({ ...counts }, item);
      if (!force && Date.now() - lastWrite < progressWriteMs) return;
      lastWrite = Date.now();
      await this.deps.connectors.updateRun(run.id, {
        ...counts,
        failures: failures.slice(0, maxFailuresKept),
      });
    };
    let connector: Connector | undefined;
    try {
      connector = this.deps.open(definition);
      const collection = await this.deps.store.getCollection(definition.collectionId);
      if (!collection) {
        throw new LoreError('not_found', `connector ${definition.name}: its collection no longer exists`);
      }
      await connector.open?.(options.signal);
      const versions = await this.deps.connectors.itemVersions(definition.id);
      const seen = new Set<string>();
      let cursor: string | undefined;
      do {
        options.signal?.throwIfAborted();
        const page = await connector.list(cursor, options.signal);
        const changes = new Map<string, string | undefined>();
        for (const item of page.items) {
          if (seen.has(item.key)) continue;
          seen.add(item.key);
          counts.seen++;
          const outcome = await this.syncItem(
            connector,
            definition,
            item,
            versions.get(item.key),
            options.signal,
          );
          counts[outcome.status]++;
          if (outcome.status === 'failed') {
            failures.push({ key: item.key, code: outcome.error.code, message: outcome.error.message });
            // Forget the version so the next run reads the item again.
            if (versions.has(item.key)) changes.set(item.key, undefined);
          } else if (versions.get(item.key) !== item.version) {
            changes.set(item.key, item.version);
          }
          await report(item);
        }
        await this.deps.connectors.saveItemVersions(definition.id, changes);
        cursor = page.cursor;
      } while (cursor);
      counts.removed = await this.removeGone(connector, definition, seen, versions);
      const finished = {
        ...counts,
        state: 'done' as const,
        finishedAt: this.now().toISOString(),
        failures: failures.slice(0, maxFailuresKept),
      };
      await this.deps.connectors.updateRun(run.id, finished);
      options.onProgress?.({ ...counts });
      return { ...run, ...finished };
    } catch (error) {
      const loreError = toLoreError(error, 'connector_failed');
      const failed = {
        ...counts,
        state: 'failed' as const,
        finishedAt: this.now().toISOString(),
        failures: failures.slice(0, maxFailuresKept),
        error: `${loreError.code}: ${loreError.message}`,
      };
      await this.deps.connectors.updateRun(run.id, failed);
      return { ...run, ...failed };
    } finally {
      await connector?.close?.().catch(() => undefined);
    }
  }

  private async syncItem(
    connector: Connector,
    definition: ConnectorDefinition,
    item: ConnectorItem,
    knownVersion: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ status: 'added' | 'updated' | 'unchanged' } | { status: 'failed'; error: LoreError }> {
    const source = connector.sourcePrefix + item.key;
    const existing = await this.deps.store.findDocumentBySource(definition.collectionId, source);
    if (existing && knownVersion === item.version) return { status: 'unchanged' };
    try {
      if (item.size !== undefined && item.size > this.deps.maxItemBytes) {
        throw new LoreError(
          'file_too_large',
          `${item.name}: ${item.size} bytes, larger than the limit of ${this.deps.maxItemBytes} (LORE_MAX_FILE_BYTES)`,
        );
      }
      const bytes = await connector.read(item, signal);
      const outcome = await this.deps.ingest.ingest({
        bytes,
        fileName: baseName(item.name),
        source,
        collection: '',
        collectionId: definition.collectionId,
        ...(signal ? { signal } : {}),
      });
      if (outcome.status === 'failed') {
        return { status: 'failed', error: outcome.error ?? new LoreError('parse_failed', item.name) };
      }
      return { status: outcome.status };
    } catch (error) {
      const loreError = toLoreError(error, 'connector_failed');
      // The database being gone is not this item's fault: end the run (nothing is removed).
      if (loreError.code === 'storage_unavailable' || loreError.code === 'cancelled') throw loreError;
      const message = loreError.message.includes(item.name)
        ? loreError.message
        : `${item.name}: ${loreError.message}`;
      return { status: 'failed', error: new LoreError(loreError.code, message) };
    }
  }

  /** Removes the documents of this connector whose item was not listed; returns how many. */
  private async removeGone(
    connector: Connector,
    definition: ConnectorDefinition,
    seen: Set<string>,
    versions: Map<string, string>,
  ): Promise<number> {
    let removed = 0;
    const prefix = connector.sourcePrefix;
    for (const document of await this.deps.store.listDocuments({ collectionId: definition.collectionId })) {
      if (!document.source.startsWith(prefix)) continue;
      if (seen.has(document.source.slice(prefix.length))) continue;
      await this.deps.ingest.remove(document.id);
      removed++;
    }
    const forget = new Map<string, undefined>();
    for (const key of versions.keys()) if (!seen.has(key)) forget.set(key, undefined);
    await this.deps.connectors.saveItemVersions(definition.id, forget);
    return removed;
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

function baseName(name: string): string {
  return name.split('/').filter(Boolean).at(-1) ?? name;
}
