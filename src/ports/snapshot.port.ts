/** What a database snapshot holds, for the backup manifest. */
export interface DatabaseExport {
  /** Schema version of the data in the snapshot. */
  schemaVersion: number;
  /** Files written, relative to the export folder (archived under `database/`). */
  files: string[];
  /** Row counts (documents, chunks, vectors, jobs...), checked again after a restore. */
  counts: Record<string, number>;
  /** Blob keys the snapshot refers to (document originals, pending ingest jobs). */
  blobKeys: string[];
}

/**
 * A consistent copy of everything a backend's database holds, taken while the server runs: one point
 * in time for every table. `lore backup` archives it with the original files; in-memory indexes are
 * not archived (they rebuild from the database). The embedded backend writes a SQLite file; a
 * server backend can write a logical export (one file per table, read in one repeatable-read
 * transaction) through the same interface.
 */
export interface DatabaseSnapshots {
  /** Backend name written to the manifest (`sqlite`); a backup restores only into the same backend. */
  readonly backend: string;
  /** Writes the snapshot into the (empty, existing) folder `dir`. */
  export(dir: string): Promise<DatabaseExport>;
}

/** Loads a snapshot into an empty target (the restore side of DatabaseSnapshots). */
export interface DatabaseRestorer {
  readonly backend: string;
  /** Newest schema version this Lore can open; a snapshot above it is refused. */
  readonly latestSchemaVersion: number;
  /** True when the target holds no database yet. */
  isEmpty(): Promise<boolean>;
  /** Removes the target's database (restore `--force`). */
  clear(): Promise<void>;
  /**
   * Loads the exported files found in `dir` (verified against the manifest already), migrates them
   * to the current schema and returns the row counts now in the target.
   */
  load(dir: string, files: readonly string[]): Promise<Record<string, number>>;
}
