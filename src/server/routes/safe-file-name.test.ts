import { describe, expect, it } from 'vitest';
import { safeFileName } from './safe-file-name.js';

describe('safeFileName', () => {
  it('keeps only the last path segment of traversal and absolute names', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\x')).toBe('x');
    expect(safeFileName('/etc/shadow')).toBe('shadow');
    expect(safeFileName('C:\\Windows\\win.ini')).toBe('win.ini');
    expect(safeFileName('a/..')).toBe('upload');
    expect(safeFileName('a/.')).toBe('upload');
    expect(safeFileName('   ')).toBe('upload');
  });

  it('makes C0 controls, NUL and DEL visible as control pictures', () => {
    expect(safeFileName('re\u0000port\u0007.txt')).toBe('re\u2400port\u2407.txt');
    expect(safeFileName('tab\there\n.md')).toBe('tab\u2409here\u240a.md');
    expect(safeFileName('del\u007f.txt')).toBe('del\u2421.txt');
  });

  it('makes C1 controls and bidi formatting visible so U+202E cannot spoof an extension', () => {
    const spoof = safeFileName('invoice\u202Efdp.exe');
    expect(spoof).toBe('invoice\ufffdfdp.exe');
    expect(spoof.endsWith('.exe')).toBe(true);
    expect(safeFileName('x\u0085y\u200f\u2066.pdf')).toBe('x\ufffdy\ufffd\ufffd.pdf');
  });

  it('normalises to NFC', () => {
    const decomposed = 'Cafe\u0301.txt';
    expect(safeFileName(decomposed)).toBe('Caf\u00e9.txt');
    expect(safeFileName(decomposed)).toBe(safeFileName('Caf\u00e9.txt'));
  });

  it('truncates at 255 code points without splitting a surrogate pair', () => {
    const long = safeFileName(`${'\u{1F600}'.repeat(300)}.txt`);
    expect([...long]).toHaveLength(255);
    expect(long).toBe('\u{1F600}'.repeat(255));
    expect(safeFileName('a'.repeat(1000))).toHaveLength(255);
  });
});
