import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { describeWithDatasets, readDocument } from '../../../test/fixtures/datasets.js';
import { expectLoreError } from './parse-test-helpers.js';
import { SafeZip } from './zip.js';

/** Offset of the first central-directory header, read from the end-of-central-directory record. */
function centralDirectory(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = bytes.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) === 0x06054b50) return view.getUint32(at + 16, true);
  }
  throw new Error('no end of central directory');
}

function setUint32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(at, value, true);
}

describe('SafeZip', () => {
  const zip = zipSync({ 'a.txt': strToU8('hello'), 'dir/b.xml': strToU8('<b>world</b>'.repeat(50)) });

  it('lists and reads entries', () => {
    const archive = SafeZip.open(zip, 'x.zip');
    expect(archive.names()).toEqual(['a.txt', 'dir/b.xml']);
    expect(archive.readText('a.txt')).toBe('hello');
    expect(archive.readText('dir/b.xml')).toContain('<b>world</b>');
    expect(archive.readTextIfPresent('missing')).toBeUndefined();
  });

  it('reports a cut-off archive as file_truncated', async () => {
    const error = await expectLoreError(
      () => SafeZip.open(zip.subarray(0, zip.length - 30), 'cut.docx'),
      'file_truncated',
      'cut.docx',
    );
    expect(error.message).toContain('truncated or not a complete ZIP archive');
  });

  it('reports non-ZIP bytes as file_corrupt', async () => {
    await expectLoreError(
      () => SafeZip.open(strToU8('just some text, no archive'), 'a.docx'),
      'file_corrupt',
      'a.docx',
    );
  });

  it('refuses an entry whose declared size is huge before inflating anything', async () => {
    const bytes = zip.slice();
    setUint32(bytes, centralDirectory(bytes) + 24, 0xfffffff0);
    const error = await expectLoreError(
      () => SafeZip.open(bytes, 'bomb.xlsx'),
      'file_too_large',
      'bomb.xlsx',
    );
    expect(error.message).toContain('decompression bomb');
  });

  it('refuses a high compression ratio (a real 8 MiB run of zeros)', async () => {
    const bomb = zipSync({ 'zeros.xml': new Uint8Array(8 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(20_000);
    const error = await expectLoreError(
      () => SafeZip.open(bomb, 'zeros.docx'),
      'file_too_large',
      'zeros.docx',
    );
    expect(error.message).toMatch(/decompression bomb.*fold/);
  });

  it('stops inflating at the declared size when the directory lies', async () => {
    const honest = zipSync({ 'big.xml': strToU8('x'.repeat(100_000)) }, { level: 9 });
    const liar = honest.slice();
    setUint32(liar, centralDirectory(liar) + 24, 1000);
    const archive = SafeZip.open(liar, 'liar.odt');
    const error = await expectLoreError(() => archive.read('big.xml'), 'file_too_large', 'liar.odt');
    expect(error.message).toContain('more than its declared size');
  });

  it('counts exactly 65535 entries without ZIP64 against the entry limit (file_too_large, not "damaged")', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 0xffff; i++) files[`e/${i}`] = new Uint8Array();
    const error = await expectLoreError(
      () => SafeZip.open(zipSync(files, { level: 0 }), 'many.docx'),
      'file_too_large',
      'many.docx',
    );
    expect(error.message).toContain('65535 parts');
  });

  it('reports encrypted entries as file_encrypted', async () => {
    const bytes = zip.slice();
    const central = centralDirectory(bytes);
    bytes[central + 8] = (bytes[central + 8] ?? 0) | 1;
    await expectLoreError(
      () => SafeZip.open(bytes, 'secret.zip').read('a.txt'),
      'file_encrypted',
      'secret.zip',
    );
  });

  it('repacks only the kept entries, with replacements', () => {
    const repacked = SafeZip.open(zip, 'x.zip').repack((name) => name.endsWith('.xml'), {
      'dir/b.xml': strToU8('<c/>'),
    });
    const archive = SafeZip.open(repacked, 'y.zip');
    expect(archive.names()).toEqual(['dir/b.xml']);
    expect(archive.readText('dir/b.xml')).toBe('<c/>');
  });
});

describeWithDatasets('SafeZip on dataset files', () => {
  it('rejects the interrupted uploads as truncated', async () => {
    for (const file of [
      'derived_truncated/test_truncated_60pct.docx',
      'derived_truncated/test_truncated_50pct.pptx',
    ]) {
      await expectLoreError(() => SafeZip.open(readDocument(file), file), 'file_truncated', file);
    }
  });

  it('explains a password-protected OOXML file (a CFB container) as file_encrypted', async () => {
    const file = 'xlsx/calamine__pass_protected.xlsx';
    const error = await expectLoreError(
      () => SafeZip.open(readDocument(file), 'pass.xlsx'),
      'file_encrypted',
      'pass.xlsx',
    );
    expect(error.message).toContain('password-protected Office file');
  });
});
