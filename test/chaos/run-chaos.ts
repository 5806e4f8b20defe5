import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChaosBackend } from './chaos-installation.js';
import { type ChaosSummary, runSigkillChaos } from './sigkill-chaos.js';

// `npm run chaos -- --trials 50 [--seed N] [--backend sqlite|postgres|both] [--out DIR]`: SIGKILL
// chaos on demand; writes chaos-results/sigkill-<backend>-<time>.{json,md} and exits 1 on any problem.
// Needs the built CLI (`npm run build`).

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '50' },
    seed: { type: 'string' },
    backend: { type: 'string', default: 'both' },
    out: { type: 'string', default: 'chaos-results' },
    files: { type: 'string', default: '3-8' },
  },
});
const trials = Number(values.trials);
const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
const backends: ChaosBackend[] =
  values.backend === 'both' ? ['sqlite', 'postgres'] : [values.backend as ChaosBackend];
const [min, max] = values.files.split('-').map(Number) as [number, number];
const datasetsDir = resolve(process.env.LORE_DATASETS_DIR ?? join(process.cwd(), '..', 'shared', 'datasets'));
const out = resolve(values.out);
mkdirSync(out, { recursive: true });

let failed = 0;
for (const backend of backends) {
  process.stdout.write(`\n== SIGKILL chaos on ${backend}: ${trials} trials, seed ${seed}\n`);
  const summary = await runSigkillChaos({
    backend,
    trials,
    seed,
    filesPerTrial: [min, max],
    niceness: 10,
    ...(existsSync(join(datasetsDir, 'documents', 'MANIFEST.csv')) ? { datasetsDir } : {}),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const stamp = summary.startedAt.replace(/[:.]/g, '-');
  const base = join(out, `sigkill-${backend}-${stamp}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown(summary));
  process.stdout.write(`${summary.passed}/${summary.trials} trials passed; summary in ${base}.md\n`);
  failed += summary.trials - summary.passed;
}
process.exitCode = failed > 0 ? 1 : 0;

function markdown(summary: ChaosSummary): string {
  const recovery = summary.results.map((result) => result.recoveryMs).sort((a, b) => a - b);
  const percentile = (p: number) =>
    recovery[Math.min(recovery.length - 1, Math.floor(p * recovery.length))] ?? 0;
  const lines = [
    `# SIGKILL chaos, ${summary.backend}`,
    '',
    `- seed ${summary.seed}, ${summary.trials} trials, ${summary.passed} passed`,
    `- ${summary.startedAt} → ${summary.finishedAt}`,
    `- machine: ${summary.machine.cpus} × ${summary.machine.cpu}, ${summary.machine.memoryGiB} GiB, Node ${summary.machine.node}`,
    `- stages under way at the kills: ${Object.entries(summary.stagesHit)
      .map(([stage, n]) => `${stage} ${n}`)
      .join(', ')}`,
    `- recovery (restart → idle queue): median ${percentile(0.5)} ms, p90 ${percentile(0.9)} ms, max ${recovery.at(-1) ?? 0} ms`,
    '',
    '| trial | topology | killed | target | stages at kill | after ms | files | interrupted jobs | documents | recovery ms | orphans | problems |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...summary.results.map(
      (r) =>
        `| ${r.trial} | ${r.topology} | ${r.victims.join('+')} | ${r.target} | ${r.stagesAtKill.join(', ')} | ${r.killAfterMs} | ${r.files} | ${r.interrupted} | ${r.documents} | ${r.recoveryMs} | ${r.orphanBlobs} | ${r.problems.join('; ').replaceAll('|', '/') || '—'} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
