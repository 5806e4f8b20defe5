import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LoreError } from '../../core/errors.js';

import type { EvaluationDataset } from '../../core/evaluation/evaluate.service.js';

/**
 * Reads a dataset in BEIR layout: `corpus.jsonl[.gz]`, `queries.jsonl`, `qrels/<split>.tsv`.
 * Only queries that have judgements in the split are kept.
 */
export function readBeirDataset(dir: string, split = 'test'): EvaluationDataset {
  const corpusPath = [join(dir, 'corpus.jsonl'), join(dir, 'corpus.jsonl.gz')].find((path) =>
    existsSync(path),
  );
  const qrelsPath = join(dir, 'qrels', `${split}.tsv`);
  const missing = [
    corpusPath ? undefined : 'corpus.jsonl[.gz]',
    existsSync(join(dir, 'queries.jsonl')) ? undefined : 'queries.jsonl',
    existsSync(qrelsPath) ? undefined : `qrels/${split}.tsv`,
  ].filter(Boolean);
  if (missing.length > 0 || !corpusPath) {
    throw new LoreError('invalid_request', `${dir} is not a BEIR dataset: missing ${missing.join(', ')}`);
  }
  const corpusText = corpusPath.endsWith('.gz')
    ? gunzipSync(readFileSync(corpusPath)).toString('utf8')
    : readFileSync(corpusPath, 'utf8');
  const corpus = jsonLines(corpusText, corpusPath).map((row) => ({
    id: String(row._id),
    title: typeof row.title === 'string' ? row.title : '',
    text: typeof row.text === 'string' ? row.text : '',
  }));
  const qrels = new Map<string, Map<string, number>>();
  const lines = readFileSync(qrelsPath, 'utf8').split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const [queryId, documentId, grade] = line.split('\t');
    if (!queryId || !documentId || grade === undefined) continue;
    if (index === 0 && Number.isNaN(Number(grade))) continue; // header row
    let judged = qrels.get(queryId);
    if (!judged) {
      judged = new Map();
      qrels.set(queryId, judged);
    }
    judged.set(documentId, Number(grade));
  }
  const queries = new Map<string, string>();
  for (const row of jsonLines(readFileSync(join(dir, 'queries.jsonl'), 'utf8'), 'queries.jsonl')) {
    const id = String(row._id);
    if (qrels.has(id)) queries.set(id, String(row.text ?? ''));
  }
  return { name: dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir, corpus, queries, qrels };
}

function jsonLines(text: string, path: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, index) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new LoreError('invalid_request', `${path}: line ${index + 1} is not valid JSON`);
      }
    });
}
