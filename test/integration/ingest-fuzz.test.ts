import { expect, it } from 'vitest';
import { describeWithDatasets } from '../fixtures/datasets.js';
import { runIngestFuzz } from '../fuzz/ingest-fuzz.harness.js';
import { fuzzSeed } from '../fuzz/random.js';

/** Cases per run of `npm test`; `npm run fuzz -- --cases N` runs thousands. */
const cases = Number.parseInt(process.env.LORE_FUZZ_CASES ?? '200', 10);

describeWithDatasets('ingestion mutation fuzzing (bounded)', () => {
  it(`survives ${cases} mutants of datasets/documents mixed with good files`, async () => {
    const seed = fuzzSeed();
    console.log(`ingest fuzz seed ${seed} (rerun with LORE_FUZZ_SEED=${seed})`);
    const report = await runIngestFuzz({ cases, seed, parseTimeoutMs: 10_000, parseMemoryMb: 256 });
    console.log(JSON.stringify({ ...report, violations: report.violations.length }));
    expect(report.violations, `seed ${seed}`).toEqual([]);
    expect(report.cases).toBe(cases);
    // Every mutation family ran, and the mutants really broke things (not all parsed clean).
    expect(Object.keys(report.perFamily).length, JSON.stringify(report.perFamily)).toBeGreaterThanOrEqual(8);
    expect(Object.values(report.failuresByCode).reduce((a, b) => a + b, 0)).toBeGreaterThan(cases / 10);
  });
});
