import type { DenseSetResult } from './dense.bench.js';

const mib = (bytes: number) => String(Math.round(bytes / 1024 / 1024));
const ms = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
const ratio = (value: number, base: number | undefined) => {
  if (!base || base <= 0) return '–';
  const r = value / base;
  return `${r >= 10 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toFixed(3)}×`;
};

/** The "Dense retrieval" part of the markdown report. */
export function denseMarkdown(results: readonly DenseSetResult[]): string[] {
  const header = [
    'engine',
    'vectors',
    'p50 ms',
    'p95 ms',
    'mean ms',
    'p50 × flat',
    'p95 × flat',
    'round p50 range',
    'recall@10 (queries; < 1; worst)',
    'build s',
    'size / RSS Δ MiB',
    `add ${(results[0]?.addBatch ?? 1000).toLocaleString('en-US')} ms: 1st / 2nd`,
  ];
  const rows = results.flatMap((result) => {
    const flat = result.engines.find((engine) => engine.engine === 'flat');
    return result.engines.map((engine) => {
      const latency = engine.latencyMs;
      const { heapBytes, arrayBufferBytes, rssBytes } = engine.memory;
      const size = engine.footprint.indexBytes ?? heapBytes + arrayBufferBytes;
      const where = engine.footprint.diskBytes ? ' on disk' : '';
      return [
        engine.engine,
        result.name,
        ms(latency.p50),
        ms(latency.p95),
        ms(latency.mean),
        ratio(latency.p50, flat?.latencyMs.p50),
        ratio(latency.p95, flat?.latencyMs.p95),
        `${ms(latency.roundP50Min)}–${ms(latency.roundP50Max)}`,
        `${engine.recall.toFixed(4)} (${engine.recallQueries}; ${engine.recallBelowOne}; ${engine.worstRecall.toFixed(1)})`,
        (engine.buildMs / 1000).toFixed(2),
        `${mib(size)}${where} / ${mib(rssBytes)}`,
        engine.addMs === undefined ? '–' : `${ms(engine.addMs[0])} / ${ms(engine.addMs[1])}`,
      ];
    });
  });
  const notes = results.map(
    (result) =>
      `- ${result.name}: ${result.description} (generated in ${result.dataSeconds.toFixed(1)} s); cosine of ` +
      `random pairs ${result.similarity.randomPair.toFixed(2)}, of the 1st / ${result.k}th exact neighbour ` +
      `${result.similarity.first.toFixed(2)} / ${result.similarity.kth.toFixed(2)}; ${result.queries} queries × ` +
      `${result.rounds} rounds (${result.warmupPasses} warm-up pass, at most ${(result.budgetMs / 1000).toFixed(0)} s ` +
      `per engine per pass; timed: ${result.engines.map((e) => `${e.engine} ${e.latencyMs.count}`).join(', ')}); ` +
      `a fresh FlatVectors over all ${(result.count + result.addBatch).toLocaleString('en-US')} rows (today's ` +
      `reload) ${ms(result.flatReloadMs)} ms`,
  );
  const engines = results[0]?.engines.map((engine) => `- ${engine.engine}: ${engine.description}`) ?? [];
  return [
    '## Dense retrieval (top 10)',
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, index) => (index < 2 ? '---' : '--:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    ...notes,
    ...engines,
    '',
  ];
}
