import { afterEach, describe, expect, it } from 'vitest';
import { LoreError } from '../../core/errors.js';
import { SandboxedParser, type SandboxOptions } from './sandboxed.parser.js';

const limits = { maxPages: 1000, ocr: false, ocrPageTimeoutMs: 1000 };
const sandboxes: SandboxedParser[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
});

function sandbox(options: Partial<SandboxOptions> = {}): SandboxedParser {
  const created = new SandboxedParser({
    timeoutMs: 60_000,
    memoryMb: 256,
    concurrency: 1,
    recycleAfter: 100,
    limits,
    ...options,
  });
  sandboxes.push(created);
  return created;
}

const text = (value: string) => new TextEncoder().encode(value);

/** A large CSV: many rows of several cells. */
function bigCsv(rows: number): Uint8Array {
  const lines = ['name,city,amount,notes'];
  for (let i = 0; i < rows; i++) lines.push(`person ${i},city ${i % 97},${i * 3},"note with, a comma ${i}"`);
  return text(lines.join('\n'));
}

async function failure(promise: Promise<unknown>): Promise<LoreError> {
  try {
    await promise;
  } catch (error) {
    if (LoreError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a LoreError');
}

describe('SandboxedParser', () => {
  it('parses in a worker and reuses it', async () => {
    const parser = sandbox();
    const first = await parser.parse({ bytes: text('# Title\n\nBody text.'), fileName: 'a.md' });
    expect(first.format).toBe('markdown');
    const second = await parser.parse({ bytes: text('plain words'), fileName: 'b.txt' });
    expect(second.text).toBe('plain words');
  });

  it('stops a parse that runs past the time limit, naming the file, and carries on', async () => {
    const parser = sandbox({ timeoutMs: 50 });
    const error = await failure(parser.parse({ bytes: bigCsv(300_000), fileName: 'slow.csv' }));
    expect(error.code).toBe('parse_timeout');
    expect(error.message).toContain('slow.csv');
    const next = await sandbox().parse({ bytes: text('still fine'), fileName: 'c.txt' });
    expect(next.text).toBe('still fine');
  });

  it('stops a parse that needs more memory than allowed, and the next file still parses', async () => {
    const parser = sandbox({ memoryMb: 24 });
    const error = await failure(parser.parse({ bytes: bigCsv(400_000), fileName: 'huge.csv' }));
    expect(error.code).toBe('parse_out_of_memory');
    expect(error.message).toContain('huge.csv');
    const next = await parser.parse({ bytes: text('recovered'), fileName: 'd.txt' });
    expect(next.text).toBe('recovered');
  });

  it('reports parser errors with their own code and keeps the worker', async () => {
    const parser = sandbox();
    const error = await failure(parser.parse({ bytes: new Uint8Array(0), fileName: 'empty.txt' }));
    expect(error.code).toBe('file_empty');
    expect(error.message).toContain('empty.txt');
  });
});
