import type { VectorRows } from '../../ports/store.port.js';

/** The vectors of `Store.loadVectorsOf` by chunk row id (each a view into the matrix). */
export function vectorsByRow(rows: VectorRows): Map<number, Float32Array> {
  const byRow = new Map<number, Float32Array>();
  rows.rowIds.forEach((rowId, index) => {
    byRow.set(rowId, rows.matrix.subarray(index * rows.dimension, (index + 1) * rows.dimension));
  });
  return byRow;
}
