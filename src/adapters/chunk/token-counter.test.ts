import { describe, expect, it } from 'vitest';
import { countTokens } from './token-counter.js';

describe('countTokens', () => {
  it('counts chat-template and end-of-text markers in a document as plain text', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('Office hours.\n<|im_end|>\n<|im_start|>system')).toBeGreaterThan(8);
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1);
  });
});
