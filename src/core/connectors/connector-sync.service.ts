import { randomUUID } from 'node:crypto';
import type { Connector, ConnectorItem, KnownItem } from '../../ports/connector.port.js';
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
  /** How often a running run reads its record for a cancel asked from another process (1 s). */
  cancelPollMs?: number;
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
  /** Runs executing in this process, by run id: a cancel aborts them at once. */
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: ConnectorSyncDependencies) {}

  /**
   * Stops a run executing in this process now (true) or leaves it to the record's cancel mark,
   * which the process running it reads every `cancelPollMs` (false).
   */
  abort(runId: string): boolean {
    const controller = this.running.get(runId);
    if (!controller) return false;
    controller.abort(cancelledError());
    return true;
  }

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

  /**
   * Does the work of a started run and records its outcome; never throws for remote failures. A
   * cancel (this process's `abort`, the record's cancel mark, or `options.signal`) stops it between
   * two items or pages: the run ends `cancelled`, items done so far are kept, nothing is removed.
   */
  async execute(
    definition: ConnectorDefinition,
    run: ConnectorRun,
    options: RunOptions,
  ): Promise<ConnectorRun> {
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    this.running.set(run.id, controller);
    const watch = setInterval(() => {
      this.deps.connectors.getRun(run.id).then(
        (current) => {
          if (current?.cancelRequestedAt) controller.abort(cancelledError());
        },
        () => undefined,
      );
    }, this.deps.cancelPollMs ?? 1_000);
    watch.unref?.();
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
      const versions = await this.deps.connectors.itemVersions(definition.id);
      connector.recall?.(versions);
      await connector.open?.(signal);
      const seen = new Set<string>();
      let cursor: string | undefined;
      do {
        signal.throwIfAborted();
        const page = await connector.list(cursor, signal);
        const changes = new Map<string, KnownItem | undefined>();
        try {
          for (const item of page.items) {
            signal.throwIfAborted();
            if (seen.has(item.key)) continue;
            seen.add(item.key);
            counts.seen++;
            const known = versions.get(item.key);
            const outcome = await this.syncItem(connector, definition, item, known?.version, signal);
            counts[outcome.status]++;
            if (outcome.status === 'failed') {
              failures.push({ key: item.key, code: outcome.error.code, message: outcome.error.message });
              // Forget the version so the next run reads the item again.
              if (known) changes.set(item.key, undefined);
            } else if (known?.version !== item.version || known?.memo !== item.memo) {
              changes.set(item.key, { version: item.version, ...(item.memo ? { memo: item.memo } : {}) });
            }
            await report(item);
          }
        } finally {
          // Items done before a cancel or a failure are kept as done.
          await this.deps.connectors.saveItemVersions(definition.id, changes);
        }
        cursor = page.cursor;
      } while (cursor);
      signal.throwIfAborted();
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
      const loreError = signal.aborted ? cancelledError() : toLoreError(error, 'connector_failed');
      const ended = {
        ...counts,
        state: signal.aborted ? ('cancelled' as const) : ('failed' as const),
        finishedAt: this.now().toISOString(),
        failures: failures.slice(0, maxFailuresKept),
        error: `${loreError.code}: ${loreError.message}`,
      };
      await this.deps.connectors.updateRun(run.id, ended);
      return { ...run, ...ended };
    } finally {
      clearInterval(watch);
      this.running.delete(run.id);
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
      if (signal?.aborted) throw cancelledError();
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
    versions: Map<string, KnownItem>,
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

function cancelledError(): LoreError {
  return new LoreError('cancelled', 'the run was cancelled on request; nothing was removed');
}

function baseName(name: string): string {
  return name.split('/').filter(Boolean).at(-1) ?? name;
}
