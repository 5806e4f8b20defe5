import type { Citation } from '../lib/api.js';

/** What the `table-computed` event says about a question answered over a table. */
export interface TurnComputation {
  status: string;
  statement?: string;
  reason?: string;
  planner?: string;
}

/**
 * The rows behind an exact table answer (the answer text already states the computation): which
 * sheet and rows, and the rows themselves from the citation, so the number can be checked.
 */
export function TableComputationView({
  computation,
  citations,
}: {
  computation?: TurnComputation | undefined;
  citations: Citation[];
}) {
  const cited = citations.find((citation) => citation.table);
  if (!cited?.table && computation?.planner !== 'model') return null;
  const table = cited?.table;
  return (
    <section className="table-computation" aria-label="Computation over the table">
      {computation?.planner === 'model' && (
        <p className="muted small" data-testid="computation-planner">
          The query over the table was written by the model and checked by Lore before it ran.
        </p>
      )}
      {table && cited && (
        <details>
          <summary>
            {cited.title} · sheet {table.sheet} · {table.rowsLabel} ({table.rowCount}{' '}
            {table.rowCount === 1 ? 'row' : 'rows'} used)
          </summary>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  {table.columns.map((column) => (
                    <th key={column} scope="col">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((row) => (
                  <tr key={row.n}>
                    <th scope="row">{row.n}</th>
                    {row.cells.map((cell, index) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional.
                      <td key={index}>{cell}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {table.rows.length < table.rowCount && (
            <p className="muted small">
              Showing {table.rows.length} of the {table.rowCount} rows used.
            </p>
          )}
        </details>
      )}
    </section>
  );
}
