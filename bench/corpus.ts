import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBeirDataset } from '../src/adapters/dataset/beir.reader.js';
import type { EvaluationDataset } from '../src/core/evaluation/evaluate.service.js';
import { buildDomainCorpus } from './scale-corpus.js';

/** A document or passage as every engine sees it. */
export interface BenchDoc {
  id: string;
  title: string;
  text: string;
}

export interface BenchQuery {
  id: string;
  text: string;
}

/** A corpus with the queries timed against it (and judgements when it has them). */
export interface BenchCorpus {
  name: string;
  docs: BenchDoc[];
  queries: BenchQuery[];
  qrels?: EvaluationDataset['qrels'];
  /** How the corpus was made, for the report. */
  description: string;
  /** What `loadCorpus` needs to rebuild it in another process: `scifact`, `large:<size>` or `domains:<size>`. */
  spec: string;
}

/** Loads a corpus from its spec (see BenchCorpus.spec). */
export function loadCorpus(dir: string, spec: string): BenchCorpus {
  if (spec === 'scifact') return loadScifact(dir);
  if (spec.startsWith('domains:'))
    return buildDomainCorpus(dir, Number(spec.slice('domains:'.length))).corpus;
  const size = Number(spec.replace(/^large:/, ''));
  if (!spec.startsWith('large:') || !Number.isInteger(size)) throw new Error(`unknown corpus spec ${spec}`);
  return buildLargeCorpus(dir, size).corpus;
}

/** `../shared/datasets` next to the checkout, or LORE_DATASETS_DIR. */
export function datasetsDir(): string {
  const fromEnv = process.env.LORE_DATASETS_DIR;
  if (fromEnv) return resolve(fromEnv);
  return resolve(fileURLToPath(new URL('../../shared/datasets', import.meta.url)));
}

/** Exits with a clear message when a dataset the benchmark needs is missing. */
export function requireDatasets(dir: string, names: readonly string[]): void {
  const missing = names.filter((name) => !existsSync(join(dir, name)));
  if (missing.length === 0) return;
  process.stderr.write(
    `bench: the evaluation datasets are missing (${missing.map((name) => join(dir, name)).join(', ')}).\n` +
      'Put them in ../shared/datasets next to the checkout or set LORE_DATASETS_DIR.\n',
  );
  process.exit(1);
}

function queriesOf(dataset: EvaluationDataset, prefix: string): BenchQuery[] {
  return [...dataset.queries].map(([id, text]) => ({ id: `${prefix}${id}`, text }));
}

/** SciFact as published: 5,183 abstracts, 300 judged test queries. */
export function loadScifact(dir: string): BenchCorpus {
  const dataset = readBeirDataset(join(dir, 'scifact'));
  return {
    name: 'scifact',
    docs: dataset.corpus,
    queries: queriesOf(dataset, ''),
    qrels: dataset.qrels,
    description: `BEIR SciFact: ${dataset.corpus.length} abstracts, ${dataset.queries.size} test queries`,
    spec: 'scifact',
  };
}

/** Splits prose into sentences at `.`, `!` or `?` followed by white space and a capital, digit or bracket. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}(["'])/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/** Groups sentences three by three (the last group may be shorter). */
function passagesOf(sentences: readonly string[], size = 3): string[] {
  const passages: string[] = [];
  for (let i = 0; i < sentences.length; i += size) passages.push(sentences.slice(i, i + size).join(' '));
  return passages;
}

/** mulberry32: a small, fast PRNG so the synthetic passages are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface PubmedEntry {
  QUESTION?: unknown;
  CONTEXTS?: unknown;
}

function pubmedContexts(path: string): { id: string; title: string; contexts: string[] }[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, PubmedEntry>;
  return Object.entries(raw).map(([id, entry]) => ({
    id,
    title: typeof entry.QUESTION === 'string' ? entry.QUESTION : '',
    contexts: Array.isArray(entry.CONTEXTS)
      ? entry.CONTEXTS.filter((item): item is string => typeof item === 'string')
      : [],
  }));
}

export interface LargeCorpusStats {
  realPassages: number;
  syntheticPassages: number;
  sentences: number;
  bySource: Record<string, number>;
}

/**
 * About `size` passages of real text: SciFact, CACM and PubMedQA texts split into passages of three
 * consecutive sentences (title kept), then synthetic passages up to `size`, each three sentences drawn
 * uniformly at random from the pooled sentences of all three sources under the title of a random real
 * document (mulberry32, seed `seed`). Queries: SciFact test queries and judged CACM queries.
 */
export function buildLargeCorpus(
  dir: string,
  size: number,
  seed = 42,
): { corpus: BenchCorpus; stats: LargeCorpusStats } {
  const scifact = readBeirDataset(join(dir, 'scifact'));
  const cacm = readBeirDataset(join(dir, 'cacm'));
  const docs: BenchDoc[] = [];
  const sentencePool: string[] = [];
  const titlePool: string[] = [];
  const bySource: Record<string, number> = { scifact: 0, cacm: 0, pubmedqa: 0, synthetic: 0 };

  const addDocument = (source: string, id: string, title: string, text: string) => {
    const sentences = splitSentences(text);
    sentencePool.push(...sentences);
    if (title) titlePool.push(title);
    const passages = sentences.length > 0 ? passagesOf(sentences) : [''];
    for (const [index, passage] of passages.entries()) {
      if (docs.length >= size) return;
      docs.push({ id: `${source}:${id}:${index}`, title, text: passage });
      bySource[source] = (bySource[source] ?? 0) + 1;
    }
  };
  for (const doc of scifact.corpus) addDocument('scifact', doc.id, doc.title, doc.text);
  for (const doc of cacm.corpus) addDocument('cacm', doc.id, doc.title, doc.text);
  for (const entry of pubmedContexts(join(dir, 'pubmedqa', 'ori_pqal.json'))) {
    addDocument('pubmedqa', entry.id, entry.title, entry.contexts.join(' '));
  }
  const realPassages = docs.length;

  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  for (let n = 0; docs.length < size; n++) {
    const text = [pick(sentencePool), pick(sentencePool), pick(sentencePool)].join(' ');
    docs.push({ id: `synthetic:${n}`, title: pick(titlePool), text });
    bySource.synthetic = (bySource.synthetic ?? 0) + 1;
  }

  const queries = [...queriesOf(scifact, 'scifact:'), ...queriesOf(cacm, 'cacm:')];
  const stats: LargeCorpusStats = {
    realPassages,
    syntheticPassages: docs.length - realPassages,
    sentences: sentencePool.length,
    bySource,
  };
  return {
    corpus: {
      name: `mixed-${Math.round(size / 1000)}k`,
      docs,
      queries,
      spec: `large:${size}`,
      description:
        `${docs.length} passages: ${realPassages} real 3-sentence passages (scifact ${bySource.scifact}, ` +
        `cacm ${bySource.cacm}, pubmedqa ${bySource.pubmedqa}) + ${stats.syntheticPassages} synthetic ` +
        `(3 random sentences of ${sentencePool.length}, seed ${seed}); ${queries.length} queries ` +
        `(scifact ${scifact.queries.size} + cacm ${cacm.queries.size})`,
    },
    stats,
  };
}
