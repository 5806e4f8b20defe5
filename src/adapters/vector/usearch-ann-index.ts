import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { LoreError } from '../../core/errors.js';
import type { AnnHit, AnnIndex, AnnIndexFiles, AnnManifest } from '../../ports/vector-index.port.js';

/** Oversampling of a filtered query: asks for k × this, doubling up to `MAX_OVERSAMPLE`. */
const OVERSAMPLE = 4;
const MAX_OVERSAMPLE = 64;

/** File names of one generation inside `<dataDir>/vectors/`. */
function pathsOf(folder: string, generation: string) {
  const safe = generation.replace(/[^A-Za-z0-9._-]/g, '_');
  return {
    index: join(folder, `${safe}.usearch`),
    keys: join(folder, `${safe}.keys`),
    manifest: join(folder, `${safe}.manifest.json`),
  };
}

function writeAtomically(path: string, data: Uint8Array | string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/**
 * usearch 2.25.3 HNSW (cosine, f32, connectivity 16, expansion_add 128, expansion_search 64: the
 * configuration measured in docs/benchmarks.md) for one embedder generation. Live row ids are kept
 * beside the graph (usearch cannot list its keys), written with it as `<generation>.keys`.
 *
 * Persistence is crash-safe: index and keys are written to temporary files and renamed, the
 * manifest last, so a manifest always describes a complete index pair; a kill between an update and
 * the next save leaves the previous consistent pair, which the caller catches up from the database.
 */
export class UsearchAnnIndex implements AnnIndex {
  private readonly rows = new Set<number>();
  private index: Index;

  private constructor(
    readonly dimension: number,
    private readonly folder: string,
    private readonly generation: string,
    private readonly embedderId: string,
    expansionSearch = 0,
  ) {
    this.index = UsearchAnnIndex.empty(dimension, expansionSearch);
  }

  /** `expansionSearch` 0 is usearch's default (64); larger finds more of the true neighbours, slower. */
  private static empty(dimension: number, expansionSearch: number): Index {
    return new Index({
      dimensions: dimension,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      connectivity: 0,
      expansion_add: 0,
      expansion_search: expansionSearch,
      multi: false,
    });
  }

  /** A new, empty index for a generation (nothing is written until `save`). */
  static create(
    folder: string,
    generation: string,
    embedderId: string,
    dimension: number,
    expansionSearch = 0,
  ): UsearchAnnIndex {
    if (!Number.isInteger(dimension) || dimension <= 0) {
      throw new LoreError(
        'invalid_request',
        `vector index ${generation}: dimension ${dimension} is not a positive integer`,
      );
    }
    return new UsearchAnnIndex(dimension, folder, generation, embedderId, expansionSearch);
  }

  /** The saved manifest of a generation, or undefined when there is none or it is unreadable. */
  static manifest(folder: string, generation: string): AnnManifest | undefined {
    const { manifest } = pathsOf(folder, generation);
    if (!existsSync(manifest)) return undefined;
    try {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as Partial<AnnManifest>;
      if (
        typeof parsed.embedderId !== 'string' ||
        typeof parsed.dimension !== 'number' ||
        typeof parsed.rowCount !== 'number' ||
        typeof parsed.changeToken !== 'string'
      ) {
        return undefined;
      }
      return parsed as AnnManifest;
    } catch {
      return undefined;
    }
  }

  /**
   * Loads a saved generation; undefined when there is none, or when it belongs to another embedder
   * or dimension, or its files disagree with the manifest (the caller rebuilds).
   */
  static open(
    folder: string,
    generation: string,
    embedderId: string,
    dimension: number,
    expansionSearch = 0,
  ): { index: UsearchAnnIndex; manifest: AnnManifest } | undefined {
    const manifest = UsearchAnnIndex.manifest(folder, generation);
    if (!manifest || manifest.embedderId !== embedderId || manifest.dimension !== dimension) return undefined;
    const paths = pathsOf(folder, generation);
    if (!existsSync(paths.index) || !existsSync(paths.keys)) return undefined;
    const opened = new UsearchAnnIndex(dimension, folder, generation, embedderId, expansionSearch);
    const bytes = readFileSync(paths.keys);
    const keys = new Int32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
    if (keys.length !== manifest.rowCount) return undefined;
    if (manifest.rowCount > 0) {
      // usearch 2.25.3 crashes the process (SIGSEGV) on a short or garbage file instead of throwing:
      // load only a file of the size written whose header names the rows and dimension expected.
      if (!looksLikeIndex(paths.index, manifest, dimension)) return undefined;
      try {
        opened.index.load(paths.index);
      } catch {
        return undefined;
      }
      if (opened.index.size() !== manifest.rowCount || opened.index.dimensions() !== dimension)
        return undefined;
    }
    for (const key of keys) opened.rows.add(key);
    return { index: opened, manifest };
  }

  get size(): number {
    return this.rows.size;
  }

  has(rowId: number): boolean {
    return this.rows.has(rowId);
  }

  rowIds(): IterableIterator<number> {
    return this.rows.values();
  }

  add(rowId: number, vector: Float32Array): void {
    if (vector.length !== this.dimension) {
      throw new LoreError(
        'invalid_request',
        `vector index ${this.generation}: vector of length ${vector.length} for dimension ${this.dimension}`,
      );
    }
    if (this.rows.has(rowId)) this.index.remove(BigInt(rowId));
    this.index.add(BigInt(rowId), vector);
    this.rows.add(rowId);
  }

  addBatch(rowIds: Int32Array, matrix: Float32Array): void {
    if (matrix.length !== rowIds.length * this.dimension) {
      throw new LoreError(
        'invalid_request',
        `vector index ${this.generation}: ${matrix.length} values for ${rowIds.length} rows of dimension ${this.dimension}`,
      );
    }
    if (rowIds.length === 0) return;
    const replaced = rowIds.filter((rowId) => this.rows.has(rowId));
    if (replaced.length > 0) this.index.remove(BigUint64Array.from(replaced, (rowId) => BigInt(rowId)));
    // threads = 0: usearch uses every core for a batch.
    this.index.add(
      BigUint64Array.from(rowIds, (rowId) => BigInt(rowId)),
      matrix,
      0,
    );
    for (const rowId of rowIds) this.rows.add(rowId);
  }

  remove(rowId: number): void {
    if (!this.rows.delete(rowId)) return;
    this.index.remove(BigInt(rowId));
  }

  search(query: Float32Array, k: number, allow?: (rowId: number) => boolean): AnnHit[] {
    if (query.length !== this.dimension || k <= 0 || this.rows.size === 0) return [];
    let ask = allow ? Math.min(this.rows.size, k * OVERSAMPLE) : Math.min(this.rows.size, k);
    for (;;) {
      const { keys, distances } = this.index.search(query, ask, 1);
      const hits: AnnHit[] = [];
      for (let i = 0; i < keys.length && hits.length < k; i++) {
        const rowId = Number(keys[i]);
        if (!this.rows.has(rowId) || (allow && !allow(rowId))) continue;
        hits.push({ rowId, score: 1 - distances[i]! });
      }
      if (hits.length >= k || ask >= this.rows.size || ask >= k * MAX_OVERSAMPLE) return hits;
      ask = Math.min(this.rows.size, ask * 2);
    }
  }

  save(changeToken: string): void {
    mkdirSync(this.folder, { recursive: true });
    const paths = pathsOf(this.folder, this.generation);
    // A stale manifest must not describe the files while they are replaced.
    rmSync(paths.manifest, { force: true });
    let indexBytes = 0;
    if (this.rows.size > 0) {
      const temporary = `${paths.index}.tmp-${process.pid}`;
      this.index.save(temporary);
      indexBytes = statSync(temporary).size;
      renameSync(temporary, paths.index);
    } else {
      rmSync(paths.index, { force: true });
    }
    const keys = Int32Array.from(this.rows);
    writeAtomically(paths.keys, new Uint8Array(keys.buffer));
    const manifest: AnnManifest = {
      embedderId: this.embedderId,
      dimension: this.dimension,
      rowCount: this.rows.size,
      changeToken,
      savedAt: new Date().toISOString(),
      indexBytes,
    };
    writeAtomically(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

/**
 * True when the index file has the size the manifest recorded and starts with the header usearch
 * writes (slot count, then bytes per vector, as little-endian 32-bit integers).
 */
function looksLikeIndex(path: string, manifest: AnnManifest, dimension: number): boolean {
  try {
    if (manifest.indexBytes === undefined || statSync(path).size !== manifest.indexBytes) return false;
    const header = Buffer.alloc(8);
    const fd = openSync(path, 'r');
    try {
      if (readSync(fd, header, 0, 8, 0) !== 8) return false;
    } finally {
      closeSync(fd);
    }
    // Removed rows keep their slots until the graph is compacted: the header counts slots.
    return header.readUInt32LE(0) >= manifest.rowCount && header.readUInt32LE(4) === dimension * 4;
  } catch {
    return false;
  }
}

/** The indexes of one folder (`<dataDir>/vectors/`), one generation per embedder id. */
export function usearchAnnFiles(folder: string, expansionSearch = 0): AnnIndexFiles {
  return {
    open(embedderId, dimension) {
      const manifest = UsearchAnnIndex.manifest(folder, embedderId);
      if (!manifest) {
        const { manifest: path } = pathsOf(folder, embedderId);
        return { unusable: existsSync(path) ? 'corrupt' : 'missing' };
      }
      if (manifest.embedderId !== embedderId || manifest.dimension !== dimension) {
        return { unusable: 'other-embedder' };
      }
      return (
        UsearchAnnIndex.open(folder, embedderId, embedderId, dimension, expansionSearch) ?? {
          unusable: 'corrupt',
        }
      );
    },
    create: (embedderId, dimension) =>
      UsearchAnnIndex.create(folder, embedderId, embedderId, dimension, expansionSearch),
  };
}
