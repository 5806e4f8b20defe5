import type { AuditEntry } from '../../../core/identity/identity.records.js';
import type { AuditLog } from '../../../ports/audit.port.js';
import type { Queryable } from './database.js';
import { iso } from './rows.js';

/** The audit log on PostgreSQL (mirrors SqliteAuditLog). */
export class PgAuditLog implements AuditLog {
  constructor(private readonly db: Queryable) {}

  async append(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (at, actor_id, action, target, details, ip)
       VALUES (coalesce($1::timestamptz, clock_timestamp()), $2, $3, $4, $5, $6)`,
      [
        entry.at ?? null,
        entry.actorId ?? null,
        entry.action,
        entry.target ?? null,
        JSON.stringify(entry.details),
        entry.ip ?? null,
      ],
    );
  }

  async list(query: { limit: number; before?: number; action?: string }): Promise<AuditEntry[]> {
    const result = await this.db.query<{
      id: number;
      at: Date;
      actor_id: string | null;
      action: string;
      target: string | null;
      details: Record<string, unknown>;
      ip: string | null;
    }>(
      `SELECT id, at, actor_id, action, target, details, ip FROM audit_log
       WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR action = $2)
       ORDER BY id DESC LIMIT $3`,
      [query.before ?? null, query.action ?? null, query.limit],
    );
    return result.rows.map((row) => ({
      id: row.id,
      at: iso(row.at),
      ...(row.actor_id ? { actorId: row.actor_id } : {}),
      action: row.action,
      ...(row.target ? { target: row.target } : {}),
      details: row.details,
      ...(row.ip ? { ip: row.ip } : {}),
    }));
  }
}
