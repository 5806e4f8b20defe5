/**
 * `npm run fuzz -- --cases N [--seed S] [--timeout-ms T] [--memory-mb M]`: mutation fuzzing of
 * ingestion over datasets/documents. Prints the seed first (LORE_FUZZ_SEED reproduces a run), a
 * line per failing invariant, and a JSON summary; exits 1 when an invariant failed.
 */
import { parseArgs } from 'node:util';
import { runIngestFuzz } from './ingest-fuzz.harness.js';
import { fuzzSeed } from './random.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '500' },
    seed: { type: 'string' },
    'timeout-ms': { type: 'string', default: '15000' },
    'memory-mb': { type: 'string', default: '512' },
    ocr: { type: 'string', default: 'off' },
  },
});
const seed = values.seed !== undefined ? Number.parseInt(values.seed, 10) >>> 0 : fuzzSeed();
const cases = Number.parseInt(values.cases, 10);
process.stdout.write(`ingest fuzz: seed ${seed} (LORE_FUZZ_SEED=${seed}), ${cases} cases\n`);
const started = Date.now();
const report = await runIngestFuzz({
  cases,
  seed,
  parseTimeoutMs: Number.parseInt(values['timeout-ms'], 10),
  parseMemoryMb: Number.parseInt(values['memory-mb'], 10),
  ocr: values.ocr === 'auto' ? 'auto' : 'off',
  onCase: (record) => {
    if ((record.index + 1) % 100 === 0)
      process.stdout.write(`  ${record.index + 1} cases, ${Math.round((Date.now() - started) / 1000)} s\n`);
  },
});
for (const violation of report.violations) process.stdout.write(`VIOLATION ${violation}\n`);
process.stdout.write(
  `${JSON.stringify({ ...report, seconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`,
);
process.exit(report.violations.length > 0 ? 1 : 0);
