import type { BlobStore } from '../../ports/blob-store.port.js';
import type { DatabaseIntegrity } from '../../ports/integrity.port.js';
import type { ScheduledTask } from '../scheduler.js';

const hour = 60 * 60_000;

/**
 * Deletes originals that no document and no job refers to: left by a process killed between storing
 * an upload and queueing its job, between replacing a document and deleting its old original, or by
 * failed jobs pruned from the queue. A blob is deleted only when it was already unreferenced at an
 * earlier run at least `graceMs` before (an upload stores its original a moment before queueing the
 * job), and the references are read again just before deleting. Works with any BlobStore (no
 * timestamps needed); the candidates live in memory, so a new scheduler holder starts over.
 */
export class OrphanBlobCollector {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly deps: {
      integrity: Pick<DatabaseIntegrity, 'blobReferences'>;
      blobs: BlobStore;
      graceMs?: number;
      now?: () => number;
    },
  ) {}

  /** One pass: remembers new orphans, deletes old ones; returns the counts. */
  async run(): Promise<{ orphans: number; deleted: number }> {
    const now = this.deps.now?.() ?? Date.now();
    const graceMs = this.deps.graceMs ?? hour;
    const referenced = await this.referenced();
    const orphans: string[] = [];
    for await (const key of this.deps.blobs.keys()) if (!referenced.has(key)) orphans.push(key);
    const current = new Set(orphans);
    for (const key of this.seen.keys()) if (!current.has(key)) this.seen.delete(key);
    const due = orphans.filter((key) => {
      const first = this.seen.get(key);
      if (first === undefined) this.seen.set(key, now);
      return first !== undefined && now - first >= graceMs;
    });
    let deleted = 0;
    if (due.length > 0) {
      const still = await this.referenced();
      for (const key of due) {
        if (still.has(key)) continue;
        await this.deps.blobs.delete(key);
        this.seen.delete(key);
        deleted++;
      }
    }
    return { orphans: orphans.length, deleted };
  }

  private async referenced(): Promise<Set<string>> {
    return new Set((await this.deps.integrity.blobReferences()).map((reference) => reference.key));
  }
}

/** The scheduled task: `prune-orphan-blobs` every hour, deleting orphans older than an hour. */
export function orphanBlobsTask(deps: ConstructorParameters<typeof OrphanBlobCollector>[0]): ScheduledTask {
  const collector = new OrphanBlobCollector(deps);
  return { name: 'prune-orphan-blobs', everyMs: hour, run: () => collector.run() };
}
