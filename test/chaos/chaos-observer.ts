import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/** A job as the fault suites read it straight from the database. */
export interface ObservedJob {
  id: string;
  kind: string;
  state: string;
  attempts: number;
  error: string | null;
  progress: Record<string, number>;
  payload: { fileName?: string; source?: string; blobKey?: string };
}

/**
 * Reads the queue and the generation state directly from the database (not through a Lore process,
 * which may be the one just killed): which stage each running job is in, and when all work is done.
 */
export interface ChaosObserver {
  jobs(): Promise<ObservedJob[]>;
  setting(key: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export function sqliteObserver(dataDir: string): ChaosObserver {
  let db: Database.Database | undefined;
  const open = () => {
    db ??= new Database(join(dataDir, 'lore.db'), { readonly: true, fileMustExist: true });
    return db;
  };
  return {
    async jobs() {
      const rows = open()
        .prepare('SELECT id, kind, state, attempts, error, progress, payload FROM jobs')
        .all() as (Omit<ObservedJob, 'progress' | 'payload'> & { progress: string; payload: string })[];
      return rows.map((row) => ({
        ...row,
        progress: JSON.parse(row.progress) as Record<string, number>,
        payload: JSON.parse(row.payload) as ObservedJob['payload'],
      }));
    },
    async setting(key) {
      const row = open().prepare('SELECT value FROM settings WHERE key = ?').get(key) as
        | { value: string }
        | undefined;
      return row?.value;
    },
    async close() {
      db?.close();
    },
  };
}

export function postgresObserver(url: string): ChaosObserver {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  return {
    async jobs() {
      const result = await pool.query<ObservedJob>(
        'SELECT id, kind, state, attempts, error, progress, payload FROM jobs',
      );
      return result.rows;
    },
    async setting(key) {
      const result = await pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      return result.rows[0]?.value;
    },
    close: () => pool.end(),
  };
}

/** The ingestion stage a running job is in, from the progress its heartbeats record. */
export function stageOf(job: ObservedJob): string {
  if (job.kind !== 'ingest-file') return 'embedding-backfill';
  const { chunks, embedded } = job.progress;
  if (chunks === undefined) return 'parse';
  if (embedded === undefined || embedded < chunks) return 'embed';
  return 'index-transaction';
}

/** True when no job is queued or running. */
export function settled(jobs: readonly ObservedJob[]): boolean {
  return jobs.every((job) => job.state !== 'queued' && job.state !== 'running');
}
