import { describe, expect, it } from 'vitest';
import { accuracy, loadQuestions, runTableSet } from '../../bench/tables/run-table-set.js';

// Recorded in docs/benchmarks.md (## Exact answers over tables); a drop below it minus a margin fails.
const recorded = 0.96;
const margin = 0.04;

describe('table question set (bench/tables)', () => {
  it('has at least 50 questions covering every category', () => {
    const questions = loadQuestions();
    expect(questions.length).toBeGreaterThanOrEqual(50);
    expect(new Set(questions.map((q) => q.category)).size).toBe(9);
  });

  it('answers the set exactly at the recorded accuracy or better', async () => {
    const cases = await runTableSet();
    const overall = accuracy(cases).overall!;
    const misses = cases.filter((item) => !item.ok).map((item) => item.question);
    expect(overall.right / overall.total, `misses: ${misses.join(' | ')}`).toBeGreaterThanOrEqual(
      recorded - margin,
    );
  }, 60_000);
});
