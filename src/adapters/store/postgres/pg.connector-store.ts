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
import { inTransaction, type PgPool } from './database.js';

/** Connector definitions, runs and item versions (migration 7; mirrors SqliteConnectorStore). */
export class PgConnectorStore implements ConnectorStore {
  constructor(private readonly pool: PgPool) {}

  async create(definition: ConnectorDefinition): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO connectors (id, name, kind, collection_id, settings, interval_minutes, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          definition.id,
          definition.name,
          definition.kind,
          definition.collectionId,
          JSON.stringify(definitionSettings(definition)),
          definition.intervalMinutes,
          definition.createdBy ?? null,
          definition.createdAt,
        ],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        throw new LoreError('conflict', `a connector named ${definition.name} already exists`);
      }
      throw error;
    }
  }

  async get(id: string): Promise<ConnectorDefinition | undefined> {
    const result = await this.pool.query<ConnectorRow>('SELECT * FROM connectors WHERE id = $1', [id]);
    return result.rows[0] ? toDefinition(result.rows[0]) : undefined;
  }

  async getByName(name: string): Promise<ConnectorDefinition | undefined> {
    const result = await this.pool.query<ConnectorRow>('SELECT * FROM connectors WHERE name = $1', [name]);
    return result.rows[0] ? toDefinition(result.rows[0]) : undefined;
  }

  async list(): Promise<ConnectorDefinition[]> {
    const result = await this.pool.query<ConnectorRow>('SELECT * FROM connectors ORDER BY name');
    return result.rows.map(toDefinition);
  }

  async delete(id: string): Promise<void> {
    // Runs and item versions go with it (ON DELETE CASCADE).
    await this.pool.query('DELETE FROM connectors WHERE id = $1', [id]);
  }

  async startRun(run: ConnectorRun, staleBefore: string): Promise<ConnectorRun | undefined> {
    return inTransaction(this.pool, async (client) => {
      // The definition row serialises run starts of one connector across processes.
      const locked = await client.query('SELECT 1 FROM connectors WHERE id = $1 FOR UPDATE', [
        run.connectorId,
      ]);
      if (!locked.rowCount) return undefined;
      const busy = await client.query(
        "SELECT 1 FROM connector_runs WHERE connector_id = $1 AND state = 'running' AND started_at >= $2",
        [run.connectorId, staleBefore],
      );
      if (busy.rowCount) return undefined;
      await client.query(
        "UPDATE connector_runs SET state = 'failed', finished_at = $1, error = 'the process running it stopped' WHERE connector_id = $2 AND state = 'running'",
        [run.startedAt, run.connectorId],
      );
      await client.query(
        `INSERT INTO connector_runs (id, connector_id, state, trigger, started_at, failures) VALUES ($1, $2, 'running', $3, $4, '[]')`,
        [run.id, run.connectorId, run.trigger, run.startedAt],
      );
      return run;
    });
  }

  async updateRun(id: string, change: Partial<ConnectorRun>): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(change)) {
      const column = runColumns[key];
      if (!column) continue;
      values.push(value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : value);
      sets.push(`${column} = $${values.length}`);
    }
    if (sets.length === 0) return;
    values.push(id);
    await this.pool.query(
      `UPDATE connector_runs SET ${sets.join(', ')} WHERE id = $${values.length}`,
      values,
    );
  }

  async getRun(id: string): Promise<ConnectorRun | undefined> {
    const result = await this.pool.query<ConnectorRunRow>('SELECT * FROM connector_runs WHERE id = $1', [id]);
    return result.rows[0] ? toRun(result.rows[0]) : undefined;
  }

  async requestCancel(connectorId: string, at: string): Promise<ConnectorRun | undefined> {
    const result = await this.pool.query<ConnectorRunRow>(
      `UPDATE connector_runs SET cancel_requested_at = coalesce(cancel_requested_at, $1)
       WHERE connector_id = $2 AND state = 'running' RETURNING *`,
      [at, connectorId],
    );
    return result.rows[0] ? toRun(result.rows[0]) : undefined;
  }

  async listRuns(connectorId: string, limit: number): Promise<ConnectorRun[]> {
    const result = await this.pool.query<ConnectorRunRow>(
      'SELECT * FROM connector_runs WHERE connector_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2',
      [connectorId, limit],
    );
    return result.rows.map(toRun);
  }

  async itemVersions(connectorId: string): Promise<Map<string, KnownItem>> {
    const result = await this.pool.query<{ key: string; version: string; memo: string | null }>(
      'SELECT key, version, memo FROM connector_items WHERE connector_id = $1',
      [connectorId],
    );
    return new Map(
      result.rows.map((row) => [row.key, { version: row.version, ...(row.memo ? { memo: row.memo } : {}) }]),
    );
  }

  async saveItemVersions(connectorId: string, changes: Map<string, KnownItem | undefined>): Promise<void> {
    if (changes.size === 0) return;
    const upserts = [...changes].filter((entry): entry is [string, KnownItem] => entry[1] !== undefined);
    const removals = [...changes].filter(([, item]) => item === undefined).map(([key]) => key);
    await inTransaction(this.pool, async (client) => {
      if (upserts.length > 0) {
        await client.query(
          `INSERT INTO connector_items (connector_id, key, version, memo)
           SELECT $1, key, version, memo FROM unnest($2::text[], $3::text[], $4::text[]) AS item(key, version, memo)
           ON CONFLICT (connector_id, key) DO UPDATE SET version = excluded.version, memo = excluded.memo`,
          [
            connectorId,
            upserts.map(([key]) => key),
            upserts.map(([, item]) => item.version),
            upserts.map(([, item]) => item.memo ?? null),
          ],
        );
      }
      if (removals.length > 0) {
        await client.query('DELETE FROM connector_items WHERE connector_id = $1 AND key = ANY($2::text[])', [
          connectorId,
          removals,
        ]);
      }
    });
  }
}
