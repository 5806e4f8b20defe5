import { LoreError } from '../errors.js';

/** Collection names: printable, no slashes, at most 100 characters (code points, as JSON Schema's `maxLength` counts). */
export function checkCollectionName(name: string): string {
  const trimmed = name.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (trimmed === '' || [...trimmed].length > 100 || /[/\\\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new LoreError('invalid_request', 'a collection name is 1–100 printable characters without slashes');
  }
  return trimmed;
}
