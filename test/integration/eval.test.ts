import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readBeirDataset } from '../../src/adapters/dataset/beir.reader.js';
import { evaluate } from '../../src/core/evaluation/evaluate.service.js';
import { datasetsDir, describeWithDatasets } from '../fixtures/datasets.js';
import { createTestApp } from '../fixtures/test-app.js';

// Targets from the issue: the bm25s Lucene-variant reference measured on these datasets.
const targets = { scifact: 0.676, cacm: 0.487 };

describeWithDatasets('lore eval on the shared BEIR datasets (lexical)', () => {
  for (const [name, target] of Object.entries(targets)) {
    describeWithDatasets(name, () => {
      let app: Awaited<ReturnType<typeof createTestApp>>;
      beforeAll(async () => {
        app = await createTestApp();
      });
      afterAll(async () => {
        await app.dispose();
      });

      it(`reaches nDCG@10 >= ${target} through the full ingest and search pipeline`, async () => {
        const dataset = readBeirDataset(join(datasetsDir, name));
        const { report, run } = await evaluate(
          dataset,
          { ingest: (input) => app.ingest.ingest(input), search: app.search, concurrency: 2 },
          { mode: 'lexical' },
        );
        expect(report.failedDocuments).toBe(0);
        expect(report.documents).toBe(dataset.corpus.length);
        expect(report.ndcgAt10).toBeGreaterThanOrEqual(target);
        expect(report.recallAt100).toBeGreaterThan(0.5);
        expect(report.mrrAt10).toBeGreaterThan(report.ndcgAt10 * 0.8);
        expect(run[0]).toMatch(/^\S+ Q0 \S+ 1 [\d.]+ lore$/);
        console.log(`${name}: ${JSON.stringify(report)}`);
      });
    });
  }
});
