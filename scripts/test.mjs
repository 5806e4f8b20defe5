#!/usr/bin/env node
// `npm test`: every check and every test, in the order a failure is cheapest to find.
import { spawnSync } from 'node:child_process';

const steps = [
  ['system dependencies', 'bash', ['scripts/setup-test-deps.sh']],
  ['lint and format (Biome)', 'npx', ['biome', 'check', '.']],
  ['type-check (sources and tests)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['build', 'npx', ['tsc', '-p', 'tsconfig.build.json']],
  ['unit and integration tests (Vitest)', 'npx', ['vitest', 'run', ...process.argv.slice(2)]],
];

for (const [name, command, args] of steps) {
  process.stdout.write(`\n== ${name}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    process.stderr.write(`\nnpm test: "${name}" failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}
