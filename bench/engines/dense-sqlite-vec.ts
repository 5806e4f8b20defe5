import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { DenseEngine } from './dense-engine.js';

const blob = (vector: Float32Array) => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);

/**
 * sqlite-vec 0.1.9 loaded into better-sqlite3: a `vec0` table with cosine distance, brute-force KNN
 * (`embedding MATCH ? AND k = ?`). `file` uses a temporary database file with Lore's store pragmas
 * (WAL, synchronous NORMAL, default page cache); `memory` an in-memory database.
 */
export class SqliteVecEngine implements DenseEngine {
  readonly name: 'sqlite-vec' | 'sqlite-vec-mem';
  readonly description: string;
  private readonly dir: string | undefined;
  private readonly db: Database.Database;
  private select: Database.Statement<[Buffer, number], number> | undefined;
  private insert: Database.Statement<[bigint, Buffer]> | undefined;
  private dimension = 0;

  constructor(storage: 'file' | 'memory') {
    this.name = storage === 'file' ? 'sqlite-vec' : 'sqlite-vec-mem';
    this.description =
      'sqlite-vec 0.1.9 `vec0(embedding float[d] distance_metric=cosine)`, brute-force KNN, ' +
      (storage === 'file'
        ? "temp database file with Lore's pragmas (WAL, synchronous NORMAL, default cache)"
        : '`:memory:` database');
    this.dir = storage === 'file' ? mkdtempSync(join(tmpdir(), 'lore-bench-vec-')) : undefined;
    this.db = new Database(this.dir ? join(this.dir, 'vec.db') : ':memory:');
    if (this.dir) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    }
    sqliteVec.load(this.db);
  }

  build(vectors: Float32Array, dimension: number): void {
    this.dimension = dimension;
    this.db.exec('DROP TABLE IF EXISTS v');
    this.db.exec(`CREATE VIRTUAL TABLE v USING vec0(embedding float[${dimension}] distance_metric=cosine)`);
    this.insert = this.db.prepare<[bigint, Buffer]>('INSERT INTO v (rowid, embedding) VALUES (?, ?)');
    this.select = this.db
      .prepare<[Buffer, number], number>(
        'SELECT rowid FROM v WHERE embedding MATCH ? AND k = ? ORDER BY distance',
      )
      .pluck();
    this.insertRows(0, vectors);
    if (this.dir) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  private insertRows(firstRowId: number, vectors: Float32Array): void {
    const { insert, dimension } = this;
    if (!insert) throw new Error('sqlite-vec: build first');
    this.db.transaction(() => {
      for (let row = 0; row * dimension < vectors.length; row++) {
        insert.run(BigInt(firstRowId + row), blob(vectors.subarray(row * dimension, (row + 1) * dimension)));
      }
    })();
  }

  search(query: Float32Array, k: number): number[] {
    return this.select ? this.select.all(blob(query), k) : [];
  }

  add(firstRowId: number, vectors: Float32Array): void {
    this.insertRows(firstRowId, vectors);
  }

  /** Database pages (in RAM for `:memory:`) and, for the file, its size on disk with WAL and shm. */
  footprint(): Record<string, number> {
    const pages = this.db.pragma('page_count', { simple: true });
    const pageSize = this.db.pragma('page_size', { simple: true });
    const indexBytes = Number(pages) * Number(pageSize);
    if (!this.dir) return { indexBytes };
    let bytes = 0;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        bytes += statSync(join(this.dir, `vec.db${suffix}`)).size;
      } catch {
        // absent file
      }
    }
    return { indexBytes, diskBytes: bytes };
  }

  close(): void {
    this.db.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
