#!/usr/bin/env node
// `npm test`: every check and every test, in the order a failure is cheapest to find.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Suites that exercise storage run a second time on PostgreSQL (test/fixtures/test-app.ts reads
// LORE_TEST_DATABASE); the PostgreSQL-only suites run in the main Vitest step.
const postgresSuites = [
  'test/integration/upload.test.ts',
  'test/integration/hybrid-search.test.ts',
  'test/integration/ingest-documents.test.ts',
  'test/integration/rest-api.test.ts',
  'test/integration/ask-with-model.test.ts',
];
const postgresPresent =
  existsSync('/usr/lib/postgresql/15/bin/initdb') || process.env.LORE_TEST_REQUIRE_ALL === '1';

const steps = [
  ['system dependencies', 'bash', ['scripts/setup-test-deps.sh']],
  ['lint and format (Biome)', 'npx', ['biome', 'check', '.']],
  ['type-check (sources and tests)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['type-check (web UI)', 'npx', ['tsc', '-p', 'web/tsconfig.json', '--noEmit']],
  ['build (server and web UI)', 'npm', ['run', 'build']],
  ['unit and integration tests (Vitest)', 'npx', ['vitest', 'run', ...process.argv.slice(2)]],
  ...(process.argv.length > 2 || !postgresPresent
    ? []
    : [
        [
          'storage suites again on PostgreSQL (Vitest, LORE_TEST_DATABASE=postgres)',
          'npx',
          ['vitest', 'run', '--project', 'integration', ...postgresSuites],
          { LORE_TEST_DATABASE: 'postgres' },
        ],
      ]),
  ['deployment kit (Terraform, Helm, workflows, shell, YAML, Compose)', 'npm', ['run', 'verify:deploy']],
];

for (const [name, command, args, env = {}] of steps) {
  process.stdout.write(`\n== ${name}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    process.stderr.write(`\nnpm test: "${name}" failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}
