import type { Database } from 'better-sqlite3';
import type { ConnectorDefinition, ConnectorRun } from '../../../core/connectors/connector.records.js';
import { LoreError } from '../../../core/errors.js';
import type { KnownItem } from '../../../ports/connector.port.js';
import type { ConnectorStore } from '../../../ports/connector-store.port.js';
import {
  type ConnectorRow,
  type ConnectorRunRow,
  definitionSettings,
  runColumns,
  toDefinition,
  toRun,
} from '../connector-rows.js';

/** Connector definitions, runs and item versions (migrations 7 and 9). */
export class SqliteConnectorStore implements ConnectorStore {
  constructor(private readonly db: Database) {}

  async create(definition: ConnectorDefinition): Promise<void> {
    try {
      this.db
        .prepare(
          `INSERT INTO connectors (id, name, kind, collection_id, settings, interval_minutes, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          definition.id,
          definition.name,
          definition.kind,
          definition.collectionId,
          JSON.stringify(definitionSettings(definition)),
          definition.intervalMinutes,
          definition.createdBy ?? null,
          definition.createdAt,
        );
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new LoreError('conflict', `a connector named ${definition.name} already exists`);
      }
      throw error;
    }
  }

  async get(id: string): Promise<ConnectorDefinition | undefined> {
    const row = this.db.prepare('SELECT * FROM connectors WHERE id = ?').get(id) as ConnectorRow | undefined;
    return row ? toDefinition(row) : undefined;
  }

  async getByName(name: string): Promise<ConnectorDefinition | undefined> {
    const row = this.db.prepare('SELECT * FROM connectors WHERE name = ?').get(name) as
      | ConnectorRow
      | undefined;
    return row ? toDefinition(row) : undefined;
  }

  async list(): Promise<ConnectorDefinition[]> {
    const rows = this.db.prepare('SELECT * FROM connectors ORDER BY name').all() as ConnectorRow[];
    return rows.map(toDefinition);
  }

  async delete(id: string): Promise<void> {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM connector_items WHERE connector_id = ?').run(id);
        this.db.prepare('DELETE FROM connector_runs WHERE connector_id = ?').run(id);
        this.db.prepare('DELETE FROM connectors WHERE id = ?').run(id);
      })
      .immediate();
  }

  async startRun(run: ConnectorRun, staleBefore: string): Promise<ConnectorRun | undefined> {
    return this.db
      .transaction(() => {
        const busy = this.db
          .prepare(
            "SELECT 1 FROM connector_runs WHERE connector_id = ? AND state = 'running' AND started_at >= ?",
          )
          .get(run.connectorId, staleBefore);
        if (busy) return undefined;
        // A run left 'running' by a crashed process is closed as failed.
        this.db
          .prepare(
            "UPDATE connector_runs SET state = 'failed', finished_at = ?, error = 'the process running it stopped' WHERE connector_id = ? AND state = 'running'",
          )
          .run(run.startedAt, run.connectorId);
        this.db
          .prepare(
            `INSERT INTO connector_runs (id, connector_id, state, trigger, started_at, failures) VALUES (?, ?, 'running', ?, ?, '[]')`,
          )
          .run(run.id, run.connectorId, run.trigger, run.startedAt);
        return run;
      })
      .immediate();
  }

  async updateRun(id: string, change: Partial<ConnectorRun>): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(change)) {
      const column = runColumns[key];
      if (!column) continue;
      sets.push(`${column} = ?`);
      values.push(value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : value);
    }
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE connector_runs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  async getRun(id: string): Promise<ConnectorRun | undefined> {
    const row = this.db.prepare('SELECT * FROM connector_runs WHERE id = ?').get(id) as
      | ConnectorRunRow
      | undefined;
    return row ? toRun(row) : undefined;
  }

  async requestCancel(connectorId: string, at: string): Promise<ConnectorRun | undefined> {
    const row = this.db
      .prepare(
        `UPDATE connector_runs SET cancel_requested_at = coalesce(cancel_requested_at, ?)
         WHERE connector_id = ? AND state = 'running' RETURNING *`,
      )
      .get(at, connectorId) as ConnectorRunRow | undefined;
    return row ? toRun(row) : undefined;
  }

  async listRuns(connectorId: string, limit: number): Promise<ConnectorRun[]> {
    const rows = this.db
      .prepare(
        'SELECT * FROM connector_runs WHERE connector_id = ? ORDER BY started_at DESC, id DESC LIMIT ?',
      )
      .all(connectorId, limit) as ConnectorRunRow[];
    return rows.map(toRun);
  }

  async itemVersions(connectorId: string): Promise<Map<string, KnownItem>> {
    const rows = this.db
      .prepare('SELECT key, version, memo FROM connector_items WHERE connector_id = ?')
      .all(connectorId) as { key: string; version: string; memo: string | null }[];
    return new Map(
      rows.map((row) => [row.key, { version: row.version, ...(row.memo ? { memo: row.memo } : {}) }]),
    );
  }

  async saveItemVersions(connectorId: string, changes: Map<string, KnownItem | undefined>): Promise<void> {
    if (changes.size === 0) return;
    const upsert = this.db.prepare(
      `INSERT INTO connector_items (connector_id, key, version, memo) VALUES (?, ?, ?, ?)
       ON CONFLICT (connector_id, key) DO UPDATE SET version = excluded.version, memo = excluded.memo`,
    );
    const remove = this.db.prepare('DELETE FROM connector_items WHERE connector_id = ? AND key = ?');
    this.db
      .transaction(() => {
        for (const [key, item] of changes) {
          if (item === undefined) remove.run(connectorId, key);
          else upsert.run(connectorId, key, item.version, item.memo ?? null);
        }
      })
      .immediate();
  }
}
