import type {
  ConnectorDefinition,
  ConnectorDefinitionSettings,
  ConnectorRun,
} from '../../core/connectors/connector.records.js';

/** A `connectors` row as both backends return it (settings parsed, times as ISO text). */
export interface ConnectorRow {
  id: string;
  name: string;
  kind: string;
  collection_id: string;
  settings: unknown;
  interval_minutes: number;
  created_by: string | null;
  created_at: string | Date;
}

/** A `connector_runs` row as both backends return it. */
export interface ConnectorRunRow {
  id: string;
  connector_id: string;
  state: string;
  trigger: string;
  started_at: string | Date;
  finished_at: string | Date | null;
  seen: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: number;
  failures: unknown;
  error: string | null;
  /** From migration 9. */
  cancel_requested_at?: string | Date | null;
}

/** Run fields that `updateRun` may change, and their columns. */
export const runColumns: Record<string, string> = {
  state: 'state',
  finishedAt: 'finished_at',
  seen: 'seen',
  added: 'added',
  updated: 'updated',
  unchanged: 'unchanged',
  removed: 'removed',
  failed: 'failed',
  failures: 'failures',
  error: 'error',
  cancelRequestedAt: 'cancel_requested_at',
};

/** The kind-specific part of a definition, stored as JSON in `settings`. */
export function definitionSettings(definition: ConnectorDefinition): unknown {
  if (definition.kind === 's3') return definition.s3;
  return definition.kind === 'git' ? definition.git : definition.web;
}

const parse = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
const isoOf = (value: string | Date): string => (value instanceof Date ? value.toISOString() : value);

export function toDefinition(row: ConnectorRow): ConnectorDefinition {
  const kind = row.kind === 's3' || row.kind === 'web' ? row.kind : 'git';
  const settings = { kind, [kind]: parse(row.settings) } as ConnectorDefinitionSettings;
  return {
    ...settings,
    id: row.id,
    name: row.name,
    collectionId: row.collection_id,
    intervalMinutes: Number(row.interval_minutes),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    createdAt: isoOf(row.created_at),
  };
}

export function toRun(row: ConnectorRunRow): ConnectorRun {
  return {
    id: row.id,
    connectorId: row.connector_id,
    state: row.state as ConnectorRun['state'],
    trigger: row.trigger,
    startedAt: isoOf(row.started_at),
    ...(row.finished_at ? { finishedAt: isoOf(row.finished_at) } : {}),
    seen: Number(row.seen),
    added: Number(row.added),
    updated: Number(row.updated),
    unchanged: Number(row.unchanged),
    removed: Number(row.removed),
    failed: Number(row.failed),
    failures: (parse(row.failures) as ConnectorRun['failures']) ?? [],
    ...(row.error ? { error: row.error } : {}),
    ...(row.cancel_requested_at ? { cancelRequestedAt: isoOf(row.cancel_requested_at) } : {}),
  };
}
