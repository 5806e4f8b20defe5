import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readBeirDataset } from '../../adapters/dataset/beir.reader.js';
import { createApp, type LoreApp } from '../../app/create-app.js';
import { loadConfig } from '../../config/load-config.js';
import { LoreError } from '../../core/errors.js';
import { type EvaluationReport, evaluate } from '../../core/evaluation/evaluate.service.js';
import {
  type QueryTransform,
  QueryTransformingSearch,
  queryTransforms,
} from '../../core/search/query-transform.js';
import type { SearchMode } from '../../core/search/search.service.js';
import type { GlobalOptions } from '../context.js';
import { Progress } from '../progress.js';

interface EvalOptions {
  json?: boolean;
  runOut?: string;
  mode?: SearchMode;
  split: string;
  queryTransform?: QueryTransform;
}

/** `lore eval DATASET_DIR`: retrieval quality on a BEIR-layout dataset, in a throwaway store. */
export function registerEval(program: Command, _global: () => GlobalOptions): void {
  program
    .command('eval')
    .description('measure retrieval quality (nDCG@10, Recall@100, MRR@10) on a BEIR-layout dataset')
    .argument('<dataset>', 'folder with corpus.jsonl[.gz], queries.jsonl and qrels/<split>.tsv')
    .option('--split <name>', 'qrels split', 'test')
    .option('-m, --mode <mode>', 'lexical, dense or hybrid (default: hybrid with an embedder, else lexical)')
    .option(
      '--query-transform <kind>',
      'none, multi-query or hyde: rewrite each query with the configured chat model first (default: LORE_QUERY_TRANSFORM)',
    )
    .option('--run-out <file>', 'write a TREC run file')
    .option('--json', 'print the metrics as JSON')
    .action(async (datasetDir: string, options: EvalOptions) => {
      const report = await runEvaluation(datasetDir, options);
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printReport(report);
    });
}

/** Runs an evaluation in a temporary data folder that is removed afterwards. */
export async function runEvaluation(datasetDir: string, options: EvalOptions): Promise<EvaluationReport> {
  const dataset = readBeirDataset(datasetDir, options.split);
  const dataDir = await mkdtemp(join(tmpdir(), 'lore-eval-'));
  const config = loadConfig(process.env, { dataDir });
  const app = await createApp(config, { keepOriginals: false });
  const progress = new Progress(`eval ${dataset.name}`);
  try {
    const mode = options.mode ?? (app.embedder ? 'hybrid' : 'lexical');
    const { report, run } = await evaluate(
      dataset,
      {
        ingest: (input) => app.ingest.ingest(input),
        search: transformingSearch(app, options.queryTransform),
        concurrency: config.parseConcurrency,
      },
      { mode, onProgress: (phase, done, total) => progress.update(done, total, phase) },
    );
    progress.clear();
    if (options.runOut) await writeFile(options.runOut, `${run.join('\n')}\n`);
    return report;
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function printReport(report: EvaluationReport): void {
  const lines = [
    `dataset      ${report.dataset} (${report.documents} documents, ${report.queries} queries, ${report.mode})`,
    `nDCG@10      ${report.ndcgAt10.toFixed(4)}`,
    `Recall@100   ${report.recallAt100.toFixed(4)}`,
    `MRR@10       ${report.mrrAt10.toFixed(4)}`,
    `latency      p50 ${report.latencyMs.p50.toFixed(2)} ms, p95 ${report.latencyMs.p95.toFixed(2)} ms end to end (300 hits); ` +
      `lexical index p50 ${report.lexicalLatencyMs.p50.toFixed(2)} ms, p95 ${report.lexicalLatencyMs.p95.toFixed(2)} ms`,
    `ingestion    ${report.ingestSeconds.toFixed(1)} s (${report.documentsPerSecond.toFixed(0)} documents/s)` +
      (report.failedDocuments ? `, ${report.failedDocuments} failed` : ''),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The app's search, wrapped so every query goes through the requested transform. */
function transformingSearch(app: LoreApp, requested: QueryTransform | undefined) {
  const transform = requested ?? app.config.queryTransform;
  if (!queryTransforms.includes(transform)) {
    throw new LoreError('invalid_request', `--query-transform must be one of ${queryTransforms.join(', ')}.`);
  }
  if (transform === 'none') return app.search;
  if (!app.languageModel) {
    throw new LoreError(
      'invalid_config',
      `--query-transform ${transform} needs a chat model (LORE_LLM_PROVIDER / LORE_LLM_MODEL).`,
    );
  }
  return new QueryTransformingSearch({
    search: app.search,
    languageModel: app.languageModel,
    defaults: { transform, variants: app.config.queryTransformVariants },
  });
}
