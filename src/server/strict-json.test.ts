import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LoreError } from '../core/errors.js';
import { parseStrictJson } from './strict-json.js';

const limits = { maxDepth: 32 };

function problem(text: string): string {
  try {
    parseStrictJson(text, limits);
  } catch (error) {
    if (LoreError.is(error)) return `${error.code} ${error.message}`;
    throw error;
  }
  return 'accepted';
}

describe('parseStrictJson', () => {
  it('returns what JSON.parse returns for any JSON value without repeated or prototype keys', () => {
    const safeKey = fc
      .string({ unit: 'grapheme' })
      .filter((key) => !['__proto__', 'constructor', 'prototype'].includes(key));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'grapheme' }).filter((text) => !text.includes('\u0000')),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(safeKey, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (input) => {
        const text = JSON.stringify(input);
        expect(parseStrictJson(text, limits)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a key repeated in one object, naming its path', () => {
    expect(problem('{"query":"a","query":"b"}')).toBe(
      'invalid_request query: appears twice in the JSON body',
    );
    expect(problem('{"filter":{"tags":[],"tags":["x"]}}')).toBe(
      'invalid_request filter.tags: appears twice in the JSON body',
    );
    expect(problem('{"a":[{"k":1},{"k":1,"k":2}]}')).toBe(
      'invalid_request a.1.k: appears twice in the JSON body',
    );
    // The same key spelled with an escape is the same key.
    expect(problem('{"limit":1,"\\u006cimit":2}')).toBe(
      'invalid_request limit: appears twice in the JSON body',
    );
    // Equal keys in different objects are fine.
    expect(problem('{"a":{"k":1},"b":{"k":1},"k":[{"k":2}]}')).toBe('accepted');
  });

  it('refuses __proto__, constructor and prototype keys at any depth, escaped or not', () => {
    expect(problem('{"__proto__":{"role":"admin"}}')).toBe(
      'invalid_request __proto__: the key "__proto__" is not accepted in a JSON body',
    );
    expect(problem('{"a":[{"constructor":{"prototype":{"x":1}}}]}')).toContain('a.0.constructor: the key');
    expect(problem('{"\\u005f_proto__":1}')).toContain('__proto__: the key "__proto__"');
    // As values they are plain text.
    expect(problem('{"question":"__proto__ constructor prototype"}')).toBe('accepted');
  });

  it('refuses nesting beyond the limit without recursing', () => {
    expect(problem(`${'['.repeat(32)}${']'.repeat(32)}`)).toBe('accepted');
    expect(problem(`${'['.repeat(33)}${']'.repeat(33)}`)).toMatch(/nested deeper than 32 levels/);
    expect(problem(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)).toMatch(/nested deeper/);
  });

  it('refuses NUL and lone surrogates in keys and values, naming the field', () => {
    expect(problem('{"question":"a\\u0000b"}')).toBe(
      'invalid_request question: contains a NUL character (\\u0000)',
    );
    expect(problem('{"q":["ok","\\ud800"]}')).toMatch(
      /^invalid_request q\.1: contains a lone UTF-16 surrogate/,
    );
    expect(problem('{"\\udc00":1}')).toMatch(/lone UTF-16 surrogate \(\\udc00\)/);
    expect(problem('{"emoji":"\\ud83d\\ude00 😀"}')).toBe('accepted');
    expect(problem('"\ud800"')).toBe('invalid_request body: the JSON text is not well-formed Unicode');
  });

  it('reports malformed JSON as a 400 on the body', () => {
    expect(problem('{"query":')).toMatch(/^invalid_request body: malformed JSON/);
    expect(problem('')).toMatch(/^invalid_request body: malformed JSON/);
    expect(problem("{'a':1}")).toMatch(/^invalid_request body: malformed JSON/);
  });
});
