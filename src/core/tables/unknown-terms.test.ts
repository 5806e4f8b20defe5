import { describe, expect, it } from 'vitest';
import { tokenize } from './question-terms.js';
import type { LoadedTable } from './table.records.js';
import { absentValue, unknownQualifiedAmount } from './unknown-terms.js';

describe('unknownQualifiedAmount', () => {
  it('finds a money noun narrowed by an unknown word', () => {
    expect(unknownQualifiedAmount(tokenize('average shipping cost per order'), [])).toBe('shipping cost');
  });
  it('lets plain qualifiers and named columns stand before the noun', () => {
    expect(unknownQualifiedAmount(tokenize('what is the total cost'), [])).toBeUndefined();
    const tokens = tokenize('average order cost');
    expect(unknownQualifiedAmount(tokens, [{ column: 0, start: 1, end: 1, weight: 3 }])).toBeUndefined();
  });
});

describe('absentValue', () => {
  const table = {
    rows: [
      { n: 2, values: ['West'], texts: ['West'] },
      { n: 3, values: ['East'], texts: ['East'] },
    ],
  } as unknown as LoadedTable; // only rows are read
  it('is undefined when a row holds the value, whatever its case', () => {
    expect(absentValue(table, 0, 'west')).toBeUndefined();
  });
  it('lists the values held when none matches', () => {
    expect(absentValue(table, 0, 'Mars')).toEqual(['West', 'East']);
  });
});
