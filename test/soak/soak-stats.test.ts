import { describe, expect, it } from 'vitest';
import { linearFit, percentile, rssTrend } from './soak-stats.js';

describe('soak statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('fits a line', () => {
    const fit = linearFit([0, 1, 2, 3].map((x) => ({ x, y: 3 * x + 2 })));
    expect(fit.slope).toBeCloseTo(3);
    expect(fit.intercept).toBeCloseTo(2);
  });

  it('finds a growing RSS and a flat one', () => {
    const growing = Array.from({ length: 25 }, (_, i) => ({ t: i * 5, mb: 100 + i * 5 }));
    // 5 MB every 5 s is 60 MB/min.
    expect(rssTrend(growing, 20).slopeMbPerMin).toBeCloseTo(60);
    const flat = Array.from({ length: 25 }, (_, i) => ({
      t: i * 5,
      mb: i < 4 ? 50 + i * 20 : 130 + (i % 2),
    }));
    const trend = rssTrend(flat, 20);
    expect(Math.abs(trend.slopeMbPerMin)).toBeLessThan(1);
    expect(trend.spreadMb).toBe(1);
  });
});
