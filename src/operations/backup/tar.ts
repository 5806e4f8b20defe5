import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { LoreError } from '../../core/errors.js';

// A minimal POSIX ustar writer and reader for Lore's backup archives: regular files only, names
// under 100 bytes, sizes above 8 GiB in the base-256 form GNU tar reads. Standard tools can list
// and extract the archives (`tar -tvf lore.tar`).

const block = 512;

/** Streams archive members to `output`; each member's sha256 is computed while it is written. */
export class TarWriter {
  constructor(private readonly output: Writable) {}

  /** Adds one file; `body` is its bytes, or chunks adding up to `size` bytes. Returns its sha256. */
  async add(name: string, size: number, body: Uint8Array | AsyncIterable<Uint8Array>): Promise<string> {
    await this.write(header(name, size));
    const hash = createHash('sha256');
    let written = 0;
    const chunks = body instanceof Uint8Array ? [body] : body;
    for await (const chunk of chunks) {
      hash.update(chunk);
      written += chunk.length;
      await this.write(chunk);
    }
    if (written !== size) throw new LoreError('storage_error', `${name} changed size while being archived`);
    const padding = (block - (size % block)) % block;
    if (padding > 0) await this.write(new Uint8Array(padding));
    return hash.digest('hex');
  }

  /** Writes the two zero blocks that end an archive and ends the stream. */
  async finish(): Promise<void> {
    await this.write(new Uint8Array(block * 2));
    this.output.end();
    await once(this.output, 'finish');
  }

  private async write(bytes: Uint8Array): Promise<void> {
    if (!this.output.write(bytes)) await once(this.output, 'drain');
  }
}

/** One member as the reader hands it out; `body` must be consumed before the next member. */
export interface TarEntry {
  name: string;
  size: number;
  body: AsyncIterable<Uint8Array>;
}

/** Reads the members of an archive in order; throws on a truncated or malformed archive. */
export async function* readTar(input: Readable): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(input[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  for (;;) {
    const head = await reader.read(block);
    if (!head) return;
    if (head.every((byte) => byte === 0)) return;
    const entry = parseHeader(head);
    let remaining = entry.size;
    async function* body(): AsyncGenerator<Uint8Array> {
      for await (const chunk of reader.chunks(remaining)) {
        remaining -= chunk.length;
        yield chunk;
      }
    }
    // Regular files are handed out; directories and anything else are skipped.
    if (entry.type === '0' || entry.type === '\0') yield { name: entry.name, size: entry.size, body: body() };
    for await (const _ of body()) void _;
    const padding = (block - (entry.size % block)) % block;
    if (padding > 0 && !(await reader.read(padding))) throw truncated();
  }
}

function header(name: string, size: number): Uint8Array {
  const bytes = new Uint8Array(block);
  const encoded = new TextEncoder().encode(name);
  if (encoded.length > 99) throw new LoreError('invalid_request', `archive member name too long: ${name}`);
  bytes.set(encoded, 0);
  writeOctal(bytes, 100, 8, 0o644);
  writeOctal(bytes, 108, 8, 0);
  writeOctal(bytes, 116, 8, 0);
  writeSize(bytes, size);
  writeOctal(bytes, 136, 12, Math.floor(Date.now() / 1000));
  bytes.fill(0x20, 148, 156);
  bytes[156] = 0x30; // regular file
  bytes.set(new TextEncoder().encode('ustar\u000000'), 257);
  const sum = bytes.reduce((total, byte) => total + byte, 0);
  writeOctal(bytes, 148, 7, sum);
  bytes[155] = 0x20;
  return bytes;
}

function parseHeader(head: Buffer): { name: string; size: number; type: string } {
  const stored = readOctal(head.subarray(148, 156));
  const sum = head.reduce((total, byte, index) => total + (index >= 148 && index < 156 ? 0x20 : byte), 0);
  if (stored !== sum) throw new LoreError('invalid_request', 'not a tar archive (bad header checksum)');
  const text = (from: number, length: number) =>
    head
      .subarray(from, from + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  const prefix = text(345, 155);
  const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100);
  const sizeField = head.subarray(124, 136);
  const size = (sizeField[0]! & 0x80) !== 0 ? readBase256(sizeField) : readOctal(sizeField);
  return { name, size, type: String.fromCharCode(head[156] ?? 0) };
}

function writeOctal(bytes: Uint8Array, offset: number, length: number, value: number): void {
  const digits = value.toString(8).padStart(length - 1, '0');
  bytes.set(new TextEncoder().encode(digits), offset);
  bytes[offset + length - 1] = 0;
}

function writeSize(bytes: Uint8Array, size: number): void {
  if (size < 8 ** 11) {
    writeOctal(bytes, 124, 12, size);
    return;
  }
  bytes[124] = 0x80;
  let rest = BigInt(size);
  for (let index = 135; index > 124; index--) {
    bytes[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

function readOctal(field: Uint8Array): number {
  const text = new TextDecoder()
    .decode(field)
    .replace(/[\0 ]+$/g, '')
    .trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function readBase256(field: Uint8Array): number {
  let value = 0n;
  for (let index = 1; index < field.length; index++) value = (value << 8n) | BigInt(field[index]!);
  return Number(value);
}

function truncated(): LoreError {
  return new LoreError('invalid_request', 'the archive is truncated');
}

/** Reads exact byte counts from a stream of chunks. */
class ByteReader {
  private pending: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Exactly `count` bytes; undefined at a clean end of input. */
  async read(count: number): Promise<Buffer | undefined> {
    while (this.pending.length < count && !this.done) await this.pull();
    if (this.pending.length === 0 && this.done) return undefined;
    if (this.pending.length < count) throw truncated();
    const bytes = this.pending.subarray(0, count);
    this.pending = this.pending.subarray(count);
    return bytes;
  }

  /** `count` bytes as they arrive. */
  async *chunks(count: number): AsyncGenerator<Uint8Array> {
    let left = count;
    while (left > 0) {
      if (this.pending.length === 0) {
        if (this.done) throw truncated();
        await this.pull();
        continue;
      }
      const take = Math.min(left, this.pending.length);
      const piece = this.pending.subarray(0, take);
      this.pending = this.pending.subarray(take);
      left -= take;
      yield piece;
    }
  }

  private async pull(): Promise<void> {
    const next = await this.source.next();
    if (next.done) this.done = true;
    else this.pending = this.pending.length === 0 ? next.value : Buffer.concat([this.pending, next.value]);
  }
}
