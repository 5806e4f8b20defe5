import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readBeirDataset } from '../../src/adapters/dataset/beir.reader.js';
import { evaluate } from '../../src/core/evaluation/evaluate.service.js';
import { datasetsDir, describeWithDatasets } from '../fixtures/datasets.js';
import { createMigratedDatabase, describeWithPostgres, type TestDatabase } from '../fixtures/postgres.js';
import { createTestApp } from '../fixtures/test-app.js';

// The PostgreSQL backend ranks with BM25 in SQL; it must match the embedded in-memory index.
describeWithDatasets('lore eval parity: PostgreSQL vs embedded (scifact)', () => {
  describeWithPostgres('BM25 in SQL', () => {
    let database: TestDatabase | undefined;
    afterAll(async () => {
      await database?.drop();
    });

    it('scores nDCG@10 within 0.005 of the embedded backend', async () => {
      const dataset = readBeirDataset(join(datasetsDir, 'scifact'));
      const run = async (overrides: Record<string, unknown>) => {
        const app = await createTestApp(overrides);
        try {
          const { report } = await evaluate(
            dataset,
            { ingest: (input) => app.ingest.ingest(input), search: app.search, concurrency: 2 },
            { mode: 'lexical' },
          );
          return report;
        } finally {
          await app.dispose();
        }
      };
      database = await createMigratedDatabase();
      const postgres = await run({ databaseUrl: database.url });
      const embedded = await run({ databaseUrl: '' });
      console.log(
        `scifact nDCG@10 embedded ${embedded.ndcgAt10.toFixed(4)}, postgres ${postgres.ndcgAt10.toFixed(4)}; ` +
          `recall@100 ${embedded.recallAt100.toFixed(4)} / ${postgres.recallAt100.toFixed(4)}; ` +
          `search p50 ${embedded.latencyMs.p50.toFixed(2)} / ${postgres.latencyMs.p50.toFixed(2)} ms; ` +
          `ingest ${embedded.ingestSeconds.toFixed(1)} / ${postgres.ingestSeconds.toFixed(1)} s`,
      );
      expect(postgres.documents).toBe(embedded.documents);
      expect(postgres.failedDocuments).toBe(0);
      expect(Math.abs(postgres.ndcgAt10 - embedded.ndcgAt10)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(postgres.recallAt100 - embedded.recallAt100)).toBeLessThanOrEqual(0.01);
    });
  });
});
