import { Inflate, zipSync } from 'fflate';
import { LoreError } from '../../core/errors.js';
import { classifyCfb, explainCfb, isCfb } from './cfb.js';

/** Bounds that keep a hostile archive from exhausting memory. */
export interface ZipLimits {
  /** Sum of the declared uncompressed sizes of compressed entries, and of everything inflated. */
  maxTotalBytes: number;
  /** Declared uncompressed size of one entry. */
  maxEntryBytes: number;
  /** Uncompressed / compressed ratio allowed for entries larger than `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
  maxEntries: number;
}

export const defaultZipLimits: ZipLimits = {
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntryBytes: 128 * 1024 * 1024,
  maxRatio: 500,
  ratioFloorBytes: 1024 * 1024,
  maxEntries: 20_000,
};

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

const eocdSignature = 0x06054b50;
const centralSignature = 0x02014b50;
const localSignature = 0x04034b50;
const chunkSize = 16 * 1024;

/**
 * A ZIP archive opened safely: the central directory is validated and declared sizes are checked
 * against `ZipLimits` before anything is inflated; entries are inflated one at a time, on demand.
 *
 * @example
 * const zip = SafeZip.open(bytes, 'report.docx');
 * const xml = zip.readText('word/document.xml');
 */
export class SafeZip {
  private inflated = 0;

  private constructor(
    private readonly bytes: Uint8Array,
    readonly fileName: string,
    readonly entries: ReadonlyMap<string, ZipEntry>,
    private readonly limits: ZipLimits,
  ) {}

  /** Parses and validates the central directory; throws file_truncated, file_corrupt or file_too_large. */
  static open(bytes: Uint8Array, fileName: string, limits: ZipLimits = defaultZipLimits): SafeZip {
    if (isCfb(bytes)) throw explainCfb(classifyCfb(bytes, fileName), fileName);
    const entries = readCentralDirectory(bytes, fileName, limits);
    checkBomb([...entries.values()], fileName, limits);
    return new SafeZip(bytes, fileName, entries, limits);
  }

  /** True when the archive has an entry with this exact name. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Entry names in central-directory order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Inflates one entry, never producing more than its declared size. */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry)
      throw new LoreError('file_corrupt', `${this.fileName}: the archive has no part named "${name}".`);
    if (entry.encrypted) {
      throw new LoreError(
        'file_encrypted',
        `${this.fileName}: the archive is password protected (encrypted ZIP entries).`,
      );
    }
    this.inflated += entry.size;
    if (this.inflated > this.limits.maxTotalBytes)
      throw bombError(this.fileName, 'expands beyond the size limit');
    const data = this.entryData(entry);
    if (entry.method === 0) {
      if (data.length !== entry.size) throw corrupt(this.fileName, `part "${name}" has an inconsistent size`);
      return data;
    }
    if (entry.method !== 8) {
      throw new LoreError(
        'file_corrupt',
        `${this.fileName}: part "${name}" uses an unsupported ZIP compression method (${entry.method}).`,
      );
    }
    return inflateBounded(data, entry, this.fileName);
  }

  /** Reads an entry as UTF-8 text (a UTF-8 byte order mark is dropped). */
  readText(name: string): string {
    const text = new TextDecoder('utf-8').decode(this.read(name));
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** Reads an entry as text, or returns undefined when it is absent. */
  readTextIfPresent(name: string): string | undefined {
    return this.has(name) ? this.readText(name) : undefined;
  }

  /**
   * A new, uncompressed archive holding only the entries `keep` accepts, each inflated within the
   * limits (or taken from `replacements`): hand this to libraries that unzip by themselves, so
   * they never see an unchecked entry.
   */
  repack(keep: (name: string) => boolean, replacements: Record<string, Uint8Array> = {}): Uint8Array {
    const files: Record<string, Uint8Array> = {};
    for (const name of this.entries.keys()) {
      if (name.endsWith('/') || !keep(name)) continue;
      files[name] = replacements[name] ?? this.read(name);
    }
    return zipSync(files, { level: 0 });
  }

  private entryData(entry: ZipEntry): Uint8Array {
    const at = entry.localHeaderOffset;
    if (at + 30 > this.bytes.length || readUint32(this.bytes, at) !== localSignature) {
      throw corrupt(this.fileName, `part "${entry.name}" does not start where the directory says`);
    }
    const start = at + 30 + readUint16(this.bytes, at + 26) + readUint16(this.bytes, at + 28);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw truncated(this.fileName);
    return this.bytes.subarray(start, end);
  }
}

/** Inflates with a streaming decoder and stops as soon as the output would pass the declared size. */
function inflateBounded(data: Uint8Array, entry: ZipEntry, fileName: string): Uint8Array {
  const out = new Uint8Array(entry.size);
  let written = 0;
  const inflater = new Inflate((chunk) => {
    if (written + chunk.length > entry.size) {
      throw bombError(fileName, `part "${entry.name}" inflates to more than its declared size`);
    }
    out.set(chunk, written);
    written += chunk.length;
  });
  try {
    if (data.length === 0) inflater.push(data, true);
    for (let offset = 0; offset < data.length; offset += chunkSize) {
      inflater.push(data.subarray(offset, offset + chunkSize), offset + chunkSize >= data.length);
    }
  } catch (error) {
    if (LoreError.is(error)) throw error;
    throw corrupt(fileName, `part "${entry.name}" cannot be decompressed`, error);
  }
  if (written !== entry.size) throw corrupt(fileName, `part "${entry.name}" is shorter than declared`);
  return out;
}

function readCentralDirectory(bytes: Uint8Array, fileName: string, limits: ZipLimits): Map<string, ZipEntry> {
  const eocd = findEndOfCentralDirectory(bytes);
  if (eocd < 0) {
    if (readUint32(bytes, 0) === localSignature) throw truncated(fileName);
    throw new LoreError(
      'file_corrupt',
      `${fileName}: not a ZIP archive, so it cannot be a valid document of this type.`,
    );
  }
  let count = readUint16(bytes, eocd + 10);
  let size = readUint32(bytes, eocd + 12);
  let offset = readUint32(bytes, eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const zip64 = readZip64End(bytes, eocd);
    if (zip64) ({ count, size, offset } = zip64);
    // Writers put exactly 65535 entries in a plain directory too; only a missing offset or size is damage.
    else if (size === 0xffffffff || offset === 0xffffffff)
      throw corrupt(fileName, 'its ZIP64 directory is missing');
  }
  if (count > limits.maxEntries) {
    throw new LoreError(
      'file_too_large',
      `${fileName}: the archive has ${count} parts, more than the ${limits.maxEntries} allowed.`,
    );
  }
  if (offset + size > eocd) throw truncated(fileName);
  const entries = new Map<string, ZipEntry>();
  let at = offset;
  const decoder = new TextDecoder('utf-8');
  for (let index = 0; index < count; index++) {
    if (at + 46 > eocd || readUint32(bytes, at) !== centralSignature)
      throw corrupt(fileName, 'its directory is damaged');
    const flags = readUint16(bytes, at + 8);
    const nameLength = readUint16(bytes, at + 28);
    const extraLength = readUint16(bytes, at + 30);
    const commentLength = readUint16(bytes, at + 32);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const entry: ZipEntry = {
      name,
      method: readUint16(bytes, at + 10),
      compressedSize: readUint32(bytes, at + 20),
      size: readUint32(bytes, at + 24),
      localHeaderOffset: readUint32(bytes, at + 42),
      encrypted: (flags & 1) === 1,
    };
    applyZip64Extra(entry, bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    if (entry.localHeaderOffset + 30 > bytes.length) throw truncated(fileName);
    entries.set(name, entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function checkBomb(entries: ZipEntry[], fileName: string, limits: ZipLimits): void {
  let total = 0;
  for (const entry of entries) {
    if (entry.size > limits.maxEntryBytes)
      throw bombError(fileName, `part "${entry.name}" declares ${megabytes(entry.size)}`);
    if (entry.method === 0) continue;
    total += entry.size;
    const ratio = entry.size / Math.max(entry.compressedSize, 1);
    if (entry.size > limits.ratioFloorBytes && ratio > limits.maxRatio) {
      throw bombError(fileName, `part "${entry.name}" would expand ${Math.round(ratio)}-fold`);
    }
  }
  if (total > limits.maxTotalBytes) throw bombError(fileName, `it would expand to ${megabytes(total)}`);
}

function findEndOfCentralDirectory(bytes: Uint8Array): number {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (readUint32(bytes, at) === eocdSignature) return at;
  }
  return -1;
}

function readZip64End(
  bytes: Uint8Array,
  eocd: number,
): { count: number; size: number; offset: number } | undefined {
  const locator = eocd - 20;
  if (locator < 0 || readUint32(bytes, locator) !== 0x07064b50) return undefined;
  const record = readUint64(bytes, locator + 8);
  if (record + 56 > bytes.length || readUint32(bytes, record) !== 0x06064b50) return undefined;
  return {
    count: readUint64(bytes, record + 32),
    size: readUint64(bytes, record + 40),
    offset: readUint64(bytes, record + 48),
  };
}

function applyZip64Extra(entry: ZipEntry, extra: Uint8Array): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = readUint16(extra, at);
    const length = readUint16(extra, at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number => {
        const value = field + 8 <= at + 4 + length ? readUint64(extra, field) : 0;
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    at += 4 + length;
  }
}

function readUint16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (readUint16(bytes, at) | (readUint16(bytes, at + 2) << 16)) >>> 0;
}

function readUint64(bytes: Uint8Array, at: number): number {
  return readUint32(bytes, at) + readUint32(bytes, at + 4) * 2 ** 32;
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

function truncated(fileName: string): LoreError {
  return new LoreError(
    'file_truncated',
    `${fileName} is truncated or not a complete ZIP archive (was the upload interrupted?). Upload the complete file again.`,
  );
}

function corrupt(fileName: string, reason: string, cause?: unknown): LoreError {
  return new LoreError('file_corrupt', `${fileName}: the archive is damaged: ${reason}.`, { cause });
}

function bombError(fileName: string, reason: string): LoreError {
  return new LoreError(
    'file_too_large',
    `${fileName}: refusing to unpack a likely decompression bomb (${reason}).`,
  );
}
