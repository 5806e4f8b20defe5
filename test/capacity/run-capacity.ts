import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { capacityTable, runCapacity } from './capacity-run.js';

// `npm run capacity -- --backend sqlite|postgres|both [--rates 25,50,100,200,400] [--step-seconds 10]
// [--warmup-seconds 3] [--seed 1000] [--out DIR]`: open-loop search capacity. Needs `npm run build`.

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    rates: { type: 'string', default: '25,50,100,200,400,800' },
    'step-seconds': { type: 'string', default: '10' },
    'warmup-seconds': { type: 'string', default: '3' },
    seed: { type: 'string', default: '1000' },
    'p99-ms': { type: 'string', default: '50' },
    out: { type: 'string', default: join('docs', 'images') },
  },
});
const backends = values.backend === 'both' ? (['sqlite', 'postgres'] as const) : [values.backend];
for (const backend of backends) {
  if (backend !== 'sqlite' && backend !== 'postgres')
    throw new Error('--backend must be sqlite, postgres or both');
  const result = await runCapacity({
    backend,
    rates: values.rates.split(',').map(Number),
    stepSeconds: Number(values['step-seconds']),
    warmupSeconds: Number(values['warmup-seconds']),
    seedDocuments: Number(values.seed),
    p99TargetMs: Number(values['p99-ms']),
    outDir: values.out,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(
    `${backend}: capacity ${result.capacity ?? 'none'} req/s (p99 < ${result.p99TargetMs} ms, no error); load ${result.loadBefore} → ${result.loadAfter}\n${capacityTable(result)}\n`,
  );
}
