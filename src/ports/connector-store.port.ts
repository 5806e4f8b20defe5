import type {
  ConnectorDefinition,
  ConnectorRun,
  ConnectorRunCounts,
} from '../core/connectors/connector.records.js';
import type { KnownItem } from './connector.port.js';

/** Connector definitions, their runs and the item versions last indexed. */
export interface ConnectorStore {
  /** Throws LoreError `conflict` when the name is taken. */
  create(definition: ConnectorDefinition): Promise<void>;
  get(id: string): Promise<ConnectorDefinition | undefined>;
  getByName(name: string): Promise<ConnectorDefinition | undefined>;
  list(): Promise<ConnectorDefinition[]>;
  /** Deletes the definition, its runs and item versions (not the documents). */
  delete(id: string): Promise<void>;

  /**
   * Starts a run unless one of this connector is running and started after `staleBefore` (then
   * returns undefined): at most one run per connector at a time, across processes.
   */
  startRun(run: ConnectorRun, staleBefore: string): Promise<ConnectorRun | undefined>;
  updateRun(
    id: string,
    change: Partial<ConnectorRunCounts> &
      Partial<Pick<ConnectorRun, 'state' | 'finishedAt' | 'failures' | 'error'>>,
  ): Promise<void>;
  getRun(id: string): Promise<ConnectorRun | undefined>;
  /**
   * Marks the connector's running run as asked to stop (`cancelRequestedAt`); the process running it
   * sees the mark within a second. Returns that run, or undefined when none is running.
   */
  requestCancel(connectorId: string, at: string): Promise<ConnectorRun | undefined>;
  /** Newest first. */
  listRuns(connectorId: string, limit: number): Promise<ConnectorRun[]>;

  /** Version (and adapter memo) of every item indexed successfully by the last runs, by key. */
  itemVersions(connectorId: string): Promise<Map<string, KnownItem>>;
  /** Records (item set) or forgets (undefined) items, in one transaction. */
  saveItemVersions(connectorId: string, changes: Map<string, KnownItem | undefined>): Promise<void>;
}
