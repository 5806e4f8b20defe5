import { describe, expect, it } from 'vitest';
import { analyze } from './analyzer.js';

describe('analyze', () => {
  it('lower-cases, drops stop words and stems', () => {
    expect(analyze('The Cats are RUNNING into the gardens')).toEqual(['cat', 'run', 'garden']);
  });

  it('removes possessives and keeps numbers', () => {
    expect(analyze("Alzheimer's disease in 2019")).toEqual(['alzheim', 'diseas', '2019']);
  });

  it('keeps non-Latin scripts as tokens', () => {
    expect(analyze('résumé Москва 東京')).toEqual(['résumé', 'москва', '東京']);
  });

  it('drops one-character tokens', () => {
    expect(analyze('a b c vitamin d')).toEqual(['vitamin']);
  });
});
