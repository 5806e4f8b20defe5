import type { AuditEntry } from '../../../core/identity/identity.records.js';
import type { AuditLog } from '../../../ports/audit.port.js';
import type { SqliteDatabase } from './database.js';

/** The audit log in the embedded database. */
export class SqliteAuditLog implements AuditLog {
  constructor(private readonly db: SqliteDatabase) {}

  async append(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<void> {
    this.db
      .prepare('INSERT INTO audit_log (at, actor_id, action, target, details, ip) VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        entry.at ?? new Date().toISOString(),
        entry.actorId ?? null,
        entry.action,
        entry.target ?? null,
        JSON.stringify(entry.details),
        entry.ip ?? null,
      );
  }

  async list(query: { limit: number; before?: number; action?: string }): Promise<AuditEntry[]> {
    const rows = this.db
      .prepare(
        `SELECT id, at, actor_id, action, target, details, ip FROM audit_log
          WHERE (@before IS NULL OR id < @before) AND (@action IS NULL OR action = @action)
          ORDER BY id DESC LIMIT @limit`,
      )
      .all({ before: query.before ?? null, action: query.action ?? null, limit: query.limit }) as {
      id: number;
      at: string;
      actor_id: string | null;
      action: string;
      target: string | null;
      details: string;
      ip: string | null;
    }[];
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      ...(row.actor_id ? { actorId: row.actor_id } : {}),
      action: row.action,
      ...(row.target ? { target: row.target } : {}),
      details: JSON.parse(row.details) as Record<string, unknown>,
      ...(row.ip ? { ip: row.ip } : {}),
    }));
  }
}
