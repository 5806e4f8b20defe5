/**
 * Writes a local ONNX "bag of random word vectors" embedding model (the test fixture's Gather
 * graph, mean-pooled by the real local-onnx pipeline) whose vocabulary is a BEIR corpus's most
 * frequent words, so that `lore eval --mode dense|hybrid` can run offline where no real embedding
 * weights can be fetched. Its vectors are a random projection of bag-of-words, not semantics: use
 * it to compare index implementations on the same vectors (exact vs HNSW), not to judge quality.
 * Run: `npx tsx bench/bag-of-words-model.ts <dataset dir> [words=30000] [dimension=384]`; prints the folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeTinyOnnxModel } from '../src/adapters/providers/embed/testing/tiny-onnx-model.js';

const [dataset, wordsArg, dimensionArg] = process.argv.slice(2);
if (!dataset) throw new Error('usage: bag-of-words-model.ts <dataset dir> [words] [dimension]');
const corpus = gunzipSync(readFileSync(join(dataset, 'corpus.jsonl.gz'))).toString('utf8');
const counts = new Map<string, number>();
for (const line of corpus.split('\n')) {
  if (!line.trim()) continue;
  const { title, text } = JSON.parse(line) as { title?: string; text?: string };
  for (const word of `${title ?? ''} ${text ?? ''}`.toLowerCase().match(/[a-z]+/g) ?? []) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
}
const words = [...counts.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(wordsArg ?? 30_000))
  .map(([word]) => word);
const model = await writeTinyOnnxModel({
  name: 'bow-scifact',
  words,
  dimension: Number(dimensionArg ?? 384),
});
process.stdout.write(`${model.folder}\n`);
