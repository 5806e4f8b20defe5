import type { AuditEntry } from '../core/identity/identity.records.js';

/** Append-only log of sign-ins, permission changes and deletions. */
export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<void>;
  /** Newest first. */
  list(query: { limit: number; before?: number; action?: string }): Promise<AuditEntry[]>;
}
