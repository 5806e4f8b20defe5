import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** Lore's version from package.json (the same path from `src/app` and `dist/app`). */
export function loreVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return cached;
}
