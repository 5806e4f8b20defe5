import { describe, expect, it } from 'vitest';
import { checkCollectionName } from './collection-name.js';

describe('checkCollectionName', () => {
  it('counts code points, as the OpenAPI maxLength does, so astral characters fit 100', () => {
    const name = `${'é'.repeat(97)}𝅘𝅥𝅮`; // 100 code points, 103 UTF-16 units
    expect(checkCollectionName(`  ${name}  `)).toBe(name);
  });

  it('refuses 101 code points, slashes, control characters and blank names', () => {
    for (const bad of ['x'.repeat(101), 'a/b', 'a\\b', 'a\u0007b', '   ']) {
      expect(() => checkCollectionName(bad)).toThrow(/1–100 printable characters/);
    }
  });
});
