// Shared helpers of `npm run verify:deploy`: running tools, finding them, and one line per check.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const requireAll = process.env.LORE_TEST_REQUIRE_ALL === '1';
const results = { ok: 0, failed: 0, skipped: 0 };

/** Prints `ok   <name>` and counts it. */
export function ok(name, detail = '') {
  results.ok++;
  console.log(`ok   ${name}${detail ? ` (${detail})` : ''}`);
}

/** Prints `FAIL <name>: <reason>` and counts it. */
export function fail(name, reason) {
  results.failed++;
  console.log(`FAIL ${name}: ${oneLine(reason)}`);
}

/** A missing tool: a skip naming what to install, or a failure under LORE_TEST_REQUIRE_ALL=1. */
export function skip(name, install) {
  if (requireAll) return fail(name, `missing tool (LORE_TEST_REQUIRE_ALL=1): ${install}`);
  results.skipped++;
  console.log(`skip ${name}: ${install}`);
}

/** Counts so far. */
export function summary() {
  return { ...results };
}

/**
 * Runs a command (no shell) and returns its status and output.
 * @example run('terraform', ['fmt', '-check'], { cwd: 'deploy/terraform/aws' })
 */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 300_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { status: result.status ?? 1, stdout: result.stdout ?? '', output, error: result.error };
}

/** Runs a command and reports it as one check: ok when it exits 0, else FAIL with its output's gist. */
export function check(name, command, args, options = {}) {
  const result = run(command, args, options);
  if (result.status === 0) ok(name, options.detail?.(result));
  else fail(name, gist(result.output || String(result.error)));
  return result.status === 0;
}

/** Path of an executable on PATH (or the given absolute path when it exists), else undefined. */
export function which(binary) {
  if (binary.includes('/')) return existsSync(binary) ? binary : undefined;
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(directory, binary);
    if (directory && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The first meaningful lines of a tool's output, for a one-line failure reason. */
export function gist(output, lines = 3) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  return (
    plain
      .split('\n')
      .map((line) => line.replace(/[│╷╵]/g, '').trim())
      .filter(
        (line) =>
          line && !/^(Warning: Unable to open CLI configuration|The CLI configuration file)/.test(line),
      )
      .slice(0, lines)
      .join(' | ') || 'no output'
  );
}

function oneLine(text) {
  return String(text).replace(/\s+/g, ' ').trim().slice(0, 400);
}
