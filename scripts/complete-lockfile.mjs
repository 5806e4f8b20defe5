#!/usr/bin/env node
// Adds lock entries for platform-specific optional packages that the npm registry mirror of our
// build machines does not serve (it answers 404 for e.g. @biomejs/cli-darwin-arm64), so `npm install`
// leaves them out of package-lock.json and `npm ci` then refuses the lock as "out of sync".
// The entries carry the version, `optional: true` and the platform from the package name; npm skips
// them on other platforms and fetches them normally where they apply (and where the registry has them).
// Run after changing dependencies: `npm install && node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;

for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    packages[`node_modules/${name}`] = { version, optional: true, ...platformOf(name) };
    added++;
  }
}

writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries`);

/** os/cpu/libc from names such as `@rollup/rollup-linux-arm64-musl` or `@biomejs/cli-win32-x64`. */
function platformOf(name) {
  const parts = name.split(/[/-]/);
  // `mac` and `win` are node-llama-cpp's spellings (`@node-llama-cpp/mac-arm64-metal`, `win-x64-cuda`).
  const aliases = { mac: 'darwin', win: 'win32' };
  const os = ['android', 'darwin', 'freebsd', 'linux', 'win32', 'openbsd', 'sunos', 'aix', 'mac', 'win']
    .map((o) => (parts.includes(o) ? (aliases[o] ?? o) : undefined))
    .find(Boolean);
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x'].find(
    (c) => parts.includes(c) || parts.some((p) => p.startsWith(c) && c === 'arm' && p === 'arm'),
  );
  const libc = parts.includes('musl')
    ? ['musl']
    : parts.includes('gnu') || parts.includes('gnueabihf')
      ? ['glibc']
      : undefined;
  return {
    ...(os ? { os: [os] } : {}),
    ...(cpu ? { cpu: [cpu] } : {}),
    ...(libc ? { libc } : {}),
  };
}
