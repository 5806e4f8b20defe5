import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSoak } from './soak-run.js';

// `npm run soak -- --minutes 30 --backend sqlite|postgres|both [--out DIR]`: the long soak. Needs
// `npm run build` first. The charts and JSON go to --out (default docs/images, the committed charts).

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    backend: { type: 'string', default: 'both' },
    out: { type: 'string', default: join('docs', 'images') },
    clients: { type: 'string', default: '4' },
    'pause-ms': { type: 'string', default: '150' },
  },
});
const backends = values.backend === 'both' ? (['sqlite', 'postgres'] as const) : [values.backend];
let failed = false;
for (const backend of backends) {
  if (backend !== 'sqlite' && backend !== 'postgres')
    throw new Error('--backend must be sqlite, postgres or both');
  const result = await runSoak({
    backend,
    minutes: Number(values.minutes),
    clients: Number(values.clients),
    pauseMs: Number(values['pause-ms']),
    outDir: values.out,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const { rss } = result;
  process.stdout.write(
    `${backend}: ${result.requests} requests (${result.requestsPerSecond.toFixed(1)}/s), unexpected errors ${JSON.stringify(result.unexpectedErrors)}, designed failures ${JSON.stringify(result.designedFailures)}\n` +
      `  RSS ${rss.startMb.toFixed(0)} → ${rss.endMb.toFixed(0)} MB, slope ${rss.slopeMbPerMin.toFixed(2)} MB/min, spread ${rss.spreadMb.toFixed(0)} MB\n` +
      Object.entries(result.operations)
        .map(([kind, s]) => `  ${kind}: n=${s.count} p50=${s.p50} p95=${s.p95} p99=${s.p99} ms`)
        .join('\n') +
      `\n  wrote ${values.out}/soak-${backend}.json and .svg\n`,
  );
  if (Object.keys(result.unexpectedErrors).length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
