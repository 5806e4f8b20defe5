import { LoreError } from '../core/errors.js';

/** Keys refused anywhere in a JSON body: they reach object prototypes through `Object.assign`, merges and lookups. */
export const forbiddenJsonKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Frame = { kind: 'object'; keys: Set<string>; key?: string } | { kind: 'array'; index: number };

/**
 * Parses a JSON request body like `JSON.parse` (the grammar is JSON.parse's own), then refuses what
 * JSON.parse lets through: a key repeated in one object (JSON.parse keeps the last one silently),
 * the keys `__proto__`, `constructor` and `prototype`, nesting deeper than `maxDepth`, and strings
 * holding NUL or a lone UTF-16 surrogate (`\ud800`), which no database column stores faithfully.
 * Throws LoreError `invalid_request` whose message starts with the offending field's path (`body`
 * for the whole body) and whose `details.param` is that field's path.
 *
 * @example parseStrictJson('{"q":"a","q":"b"}', { maxDepth: 32 }) // throws "q: appears twice in the JSON body"
 */
export function parseStrictJson(text: string, limits: { maxDepth: number }): unknown {
  if (loneSurrogate.test(text)) throw invalid('body', 'the JSON text is not well-formed Unicode');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid('body', `malformed JSON (${(error as Error).message})`);
  }
  checkStructure(text, limits.maxDepth);
  return value;
}

/** One pass over JSON text that JSON.parse accepted: tracks nesting, keys of each object and escaped strings. */
function checkStructure(text: string, maxDepth: number): void {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const raw = text.slice(i + 1, end);
      // Without a backslash the raw text is the value: no NUL (JSON forbids raw control characters) and no lone surrogate (checked above).
      const decoded = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : undefined;
      const top = stack.at(-1);
      if (top?.kind === 'object' && text.charCodeAt(nextToken(text, end + 1)) === 0x3a /* : */) {
        const key = decoded ?? raw;
        const path = pathOf(stack, key);
        if (forbiddenJsonKeys.has(key))
          throw invalid(path, `the key "${key}" is not accepted in a JSON body`);
        if (top.keys.has(key)) throw invalid(path, 'appears twice in the JSON body');
        top.keys.add(key);
        top.key = key;
        if (decoded !== undefined) checkText(decoded, path);
      } else if (decoded !== undefined) {
        checkText(decoded, pathOf(stack));
      }
      i = end;
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      if (stack.length >= maxDepth) {
        throw invalid(pathOf(stack), `nested deeper than ${maxDepth} levels (LORE_HTTP_MAX_JSON_DEPTH)`);
      }
      stack.push(char === 0x7b ? { kind: 'object', keys: new Set() } : { kind: 'array', index: 0 });
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      stack.pop();
    } else if (char === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top?.kind === 'array') top.index += 1;
    }
  }
}

function checkText(value: string, path: string): void {
  if (value.includes('\u0000')) throw invalid(path, 'contains a NUL character (\\u0000)');
  const surrogate = loneSurrogate.exec(value);
  if (surrogate) {
    const hex = surrogate[0].charCodeAt(0).toString(16);
    throw invalid(path, `contains a lone UTF-16 surrogate (\\u${hex}), which is not a character`);
  }
}

/** Index of the quote closing the string that opens at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x5c /* \ */) i++;
    else if (char === 0x22) return i;
  }
  return text.length;
}

function nextToken(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** `filter.tags.2`-style path (as in zod messages); `body` for the top level. */
function pathOf(stack: Frame[], key?: string): string {
  const parts: string[] = [];
  for (const frame of stack.slice(0, key === undefined ? stack.length : stack.length - 1)) {
    if (frame.kind === 'array') parts.push(String(frame.index));
    else if (frame.key !== undefined) parts.push(frame.key);
  }
  if (key !== undefined) parts.push(key);
  return parts.length > 0 ? parts.join('.') : 'body';
}

function invalid(path: string, problem: string): LoreError {
  // `param` (OpenAI's error field) names a field; problems of the whole body have none.
  return new LoreError(
    'invalid_request',
    `${path}: ${problem}`,
    path === 'body' ? {} : { details: { param: path } },
  );
}
