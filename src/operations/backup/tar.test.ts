import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTar, TarWriter } from './tar.js';

async function archive(members: [string, Uint8Array][]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const tar = new TarWriter(out);
  for (const [name, bytes] of members) await tar.add(name, bytes.length, bytes);
  await tar.finish();
  return Buffer.concat(chunks);
}

describe('tar', () => {
  it('round-trips members of any size with their sha256', async () => {
    const big = new Uint8Array(70_000).map((_, index) => index % 251);
    const bytes = await archive([
      ['a.json', new TextEncoder().encode('{}')],
      ['blobs/ab/empty', new Uint8Array(0)],
      ['database/lore.db', big],
    ]);
    expect(bytes.length % 512).toBe(0);
    const read: [string, string][] = [];
    // Small chunks exercise the reader's buffering.
    const source = Readable.from(
      Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) =>
        bytes.subarray(i * 1000, i * 1000 + 1000),
      ),
    );
    for await (const entry of readTar(source)) {
      const hash = createHash('sha256');
      for await (const chunk of entry.body) hash.update(chunk);
      read.push([entry.name, hash.digest('hex')]);
    }
    expect(read.map(([name]) => name)).toEqual(['a.json', 'blobs/ab/empty', 'database/lore.db']);
    expect(read[2]![1]).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('refuses a truncated archive', async () => {
    const bytes = await archive([['x', new Uint8Array(2000)]]);
    const entries = async () => {
      for await (const entry of readTar(Readable.from([bytes.subarray(0, 1200)])))
        for await (const _ of entry.body) void _;
    };
    await expect(entries()).rejects.toThrow(/truncated/);
  });
});
