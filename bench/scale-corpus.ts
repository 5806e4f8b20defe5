import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBeirDataset } from '../src/adapters/dataset/beir.reader.js';
import { type BenchCorpus, type BenchDoc, type BenchQuery, seededRandom, splitSentences } from './corpus.js';

/** One source of real text: its documents (title + sentences) and its real questions. */
interface Domain {
  name: string;
  documents: { id: string; title: string; sentences: string[] }[];
  queries: BenchQuery[];
}

export interface DomainCorpusStats {
  realPassages: number;
  syntheticPassages: number;
  /** Per domain: documents, sentences, real passages, synthetic passages, queries. */
  domains: Record<
    string,
    { documents: number; sentences: number; real: number; synthetic: number; queries: number }
  >;
}

/** Queries kept from PubMedQA and ClapNQ (every SciFact test and judged CACM query is kept). */
const questionsPerExtraDomain = 150;

function beirDomain(dir: string, name: string): Domain {
  const dataset = readBeirDataset(join(dir, name));
  return {
    name,
    documents: dataset.corpus.map((doc) => ({
      id: doc.id,
      title: doc.title,
      sentences: splitSentences(doc.text),
    })),
    queries: [...dataset.queries].map(([id, text]) => ({ id: `${name}:${id}`, text })),
  };
}

function pubmedDomain(dir: string): Domain {
  const raw = JSON.parse(readFileSync(join(dir, 'pubmedqa', 'ori_pqal.json'), 'utf8')) as Record<
    string,
    { QUESTION?: unknown; CONTEXTS?: unknown }
  >;
  const documents: Domain['documents'] = [];
  const queries: BenchQuery[] = [];
  for (const [id, entry] of Object.entries(raw)) {
    const title = typeof entry.QUESTION === 'string' ? entry.QUESTION : '';
    const contexts = Array.isArray(entry.CONTEXTS)
      ? entry.CONTEXTS.filter((item): item is string => typeof item === 'string')
      : [];
    documents.push({ id, title, sentences: splitSentences(contexts.join(' ')) });
    if (title) queries.push({ id: `pubmedqa:${id}`, text: title });
  }
  return { name: 'pubmedqa', documents, queries: queries.slice(0, questionsPerExtraDomain) };
}

function clapnqDomain(dir: string): Domain {
  const documents: Domain['documents'] = [];
  const queries: BenchQuery[] = [];
  for (const file of ['clapnq_dev_answerable.jsonl', 'clapnq_dev_unanswerable.jsonl']) {
    const lines = readFileSync(join(dir, 'clapnq', 'annotated_data_dev', file), 'utf8').split('\n');
    for (const line of lines) {
      if (!line.trim()) continue;
      const item = JSON.parse(line) as {
        id: string;
        input: string;
        passages: { title: string; sentences: string[] }[];
      };
      for (const [index, passage] of item.passages.entries()) {
        documents.push({ id: `${item.id}-${index}`, title: passage.title, sentences: passage.sentences });
      }
      queries.push({ id: `clapnq:${item.id}`, text: item.input });
    }
  }
  // Answerable and unanswerable questions alternate, so both kinds are in the kept share.
  const interleaved = queries.filter((_, i) => i % 2 === 0).concat(queries.filter((_, i) => i % 2 === 1));
  return {
    name: 'clapnq',
    documents,
    queries: interleaved.filter((_, i) => i % 4 === 0).slice(0, questionsPerExtraDomain),
  };
}

/**
 * About `size` passages of real text from four domains (SciFact and PubMedQA biomedical abstracts,
 * CACM computing abstracts, ClapNQ Wikipedia passages). First every real document split into
 * passages of three consecutive sentences (title kept). Then synthetic passages up to `size`, made
 * by shuffling sentences across the documents of one domain: a domain drawn in proportion to its
 * sentences, the title of one of its documents, three of its sentences drawn uniformly (mulberry32,
 * seed `seed`), so each passage reads like its domain and term statistics stay those of real text
 * (no cross-domain mixing). Queries: the datasets' own questions (SciFact test, judged CACM, and a
 * fixed share of PubMedQA and ClapNQ).
 */
export function buildDomainCorpus(
  dir: string,
  size: number,
  seed = 42,
): { corpus: BenchCorpus; stats: DomainCorpusStats } {
  const domains = [beirDomain(dir, 'scifact'), beirDomain(dir, 'cacm'), pubmedDomain(dir), clapnqDomain(dir)];
  const scifactTest = readBeirDataset(join(dir, 'scifact'));
  domains[0]!.queries = [...scifactTest.queries].map(([id, text]) => ({ id: `scifact:${id}`, text }));
  const docs: BenchDoc[] = [];
  const stats: DomainCorpusStats = { realPassages: 0, syntheticPassages: 0, domains: {} };
  const pools = domains.map((domain) => ({
    domain,
    sentences: domain.documents.flatMap((doc) => doc.sentences),
    titles: domain.documents.map((doc) => doc.title).filter(Boolean),
  }));
  for (const { domain, sentences } of pools) {
    const entry = {
      documents: domain.documents.length,
      sentences: sentences.length,
      real: 0,
      synthetic: 0,
      queries: domain.queries.length,
    };
    stats.domains[domain.name] = entry;
    for (const doc of domain.documents) {
      const passages = doc.sentences.length === 0 ? [''] : [];
      for (let i = 0; i < doc.sentences.length; i += 3)
        passages.push(doc.sentences.slice(i, i + 3).join(' '));
      for (const [index, text] of passages.entries()) {
        if (docs.length >= size) break;
        docs.push({ id: `${domain.name}:${doc.id}:${index}`, title: doc.title, text });
        entry.real++;
      }
    }
  }
  stats.realPassages = docs.length;

  const random = seededRandom(seed);
  const totalSentences = pools.reduce((sum, pool) => sum + pool.sentences.length, 0);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  for (let n = 0; docs.length < size; n++) {
    let draw = random() * totalSentences;
    let pool = pools[0]!;
    for (const candidate of pools) {
      pool = candidate;
      if (draw < candidate.sentences.length) break;
      draw -= candidate.sentences.length;
    }
    const text = [pick(pool.sentences), pick(pool.sentences), pick(pool.sentences)].join(' ');
    docs.push({ id: `synthetic:${pool.domain.name}:${n}`, title: pick(pool.titles), text });
    stats.domains[pool.domain.name]!.synthetic++;
  }
  stats.syntheticPassages = docs.length - stats.realPassages;

  const queries = domains.flatMap((domain) => domain.queries);
  const parts = Object.entries(stats.domains)
    .map(
      ([name, entry]) =>
        `${name} ${entry.real} real + ${entry.synthetic} synthetic from ${entry.sentences} sentences, ${entry.queries} queries`,
    )
    .join('; ');
  return {
    corpus: {
      name: size >= 1_000_000 ? `domains-${size / 1_000_000}M` : `domains-${Math.round(size / 1000)}k`,
      docs,
      queries,
      spec: `domains:${size}`,
      description:
        `${docs.length.toLocaleString('en-US')} passages of 3 sentences: ${stats.realPassages} real, ` +
        `${stats.syntheticPassages} by shuffling sentences within a domain (seed ${seed}); ${parts}`,
    },
    stats,
  };
}
