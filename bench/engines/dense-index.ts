import type { DenseEngine, DenseEngineName } from './dense-engine.js';
import { FlatEngine, FlatFilterEngine } from './dense-flat.js';
import { SqliteVecEngine } from './dense-sqlite-vec.js';
import { UsearchEngine } from './dense-usearch.js';

/** Creates the engines in order; the filtered flat scan and the tuned usearch reuse their base engine. */
export function createDenseEngines(names: readonly DenseEngineName[]): DenseEngine[] {
  const engines: DenseEngine[] = [];
  let flat: FlatEngine | undefined;
  let usearch: UsearchEngine | undefined;
  for (const name of names) {
    if (name === 'flat') {
      flat = new FlatEngine();
      engines.push(flat);
    } else if (name === 'flat-filter10') {
      engines.push(new FlatFilterEngine(flat));
    } else if (name === 'sqlite-vec' || name === 'sqlite-vec-mem') {
      engines.push(new SqliteVecEngine(name === 'sqlite-vec' ? 'file' : 'memory'));
    } else if (name === 'usearch') {
      usearch = new UsearchEngine();
      engines.push(usearch);
    } else {
      engines.push(new UsearchEngine(128, usearch));
    }
  }
  return engines;
}
