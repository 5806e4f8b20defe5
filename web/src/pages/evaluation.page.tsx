import { type FormEvent, useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { EmptyState, ErrorNote, Spinner } from '../components/feedback.js';
import { api, errorText, failureOf, type Schemas, unwrap } from '../lib/api.js';
import { formatDate, useAsync } from '../lib/use-async.js';

type Evaluation = Schemas['Evaluation'];
const metricNames = [
  ['ndcgAt10', 'nDCG@10'],
  ['recallAt100', 'Recall@100'],
  ['mrrAt10', 'MRR@10'],
] as const;

/** Evaluation: run a BEIR-layout dataset (folder or upload), see the metrics, compare two runs. */
export function EvaluationPage() {
  const history = useAsync(async () => unwrap(await api.GET('/api/v1/evaluations')), []);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [compare, setCompare] = useState<string[]>([]);
  const running = history.data?.evaluations.some((run) => run.state === 'queued' || run.state === 'running');

  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(history.reload, 1000);
    return () => window.clearInterval(timer);
  }, [running, history.reload]);

  async function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const file = data.get('file');
    const dataset = String(data.get('dataset') ?? '');
    const form = new FormData();
    if (file instanceof File && file.size > 0) form.append('file', file, file.name);
    else if (dataset) form.append('dataset', dataset);
    else {
      setError('Pick a dataset folder or choose an archive to upload.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.POST('/api/v1/evaluations', { body: {}, bodySerializer: () => form });
      if (!result.response.ok) throw failureOf(result.error, result.response);
      element.reset();
      history.reload();
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  }

  const runs = history.data?.evaluations ?? [];
  const chosen = compare
    .map((id) => runs.find((run) => run.id === id))
    .filter((run): run is Evaluation => Boolean(run));
  return (
    <section className="page">
      <h1>Evaluation</h1>
      <p className="muted">
        Measures retrieval quality on a BEIR-layout test set (corpus.jsonl, queries.jsonl, qrels/test.tsv).
        The corpus is indexed in a throwaway store: your knowledge base is not touched.
      </p>
      <form className="card row" onSubmit={start} aria-label="New evaluation">
        <label className="field">
          <span>Dataset folder</span>
          <select name="dataset" defaultValue="">
            <option value="">
              {history.data?.datasets.length ? 'Choose…' : 'None in LORE_DATASETS_DIR'}
            </option>
            {history.data?.datasets.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>or upload an archive (.zip, .tar.gz)</span>
          <input type="file" name="file" accept=".zip,.tar,.tgz,.gz" />
        </label>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Starting…' : 'Run evaluation'}
        </button>
      </form>
      <ErrorNote>{error ?? history.error}</ErrorNote>
      {history.loading && !history.data && <Spinner label="Loading runs…" />}
      {history.data && runs.length === 0 && <EmptyState title="No runs yet" />}
      {chosen.length === 2 && <Comparison runs={chosen} />}
      {runs.length > 0 && (
        <div className="table-wrap section">
          <table className="table" aria-label="Evaluation runs">
            <thead>
              <tr>
                <th scope="col">Compare</th>
                <th scope="col">Dataset</th>
                <th scope="col">When</th>
                <th scope="col">State</th>
                {metricNames.map(([, label]) => (
                  <th key={label} scope="col" className="num">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id} data-testid="evaluation-run" data-state={run.state}>
                  <td data-label="Compare">
                    <input
                      type="checkbox"
                      aria-label={`Compare the ${run.dataset} run of ${formatDate(run.createdAt)}`}
                      disabled={run.state !== 'done'}
                      checked={compare.includes(run.id)}
                      onChange={(event) =>
                        setCompare((current) =>
                          event.target.checked
                            ? [...current, run.id].slice(-2)
                            : current.filter((id) => id !== run.id),
                        )
                      }
                    />
                  </td>
                  <td data-label="Dataset">
                    <strong>{run.dataset}</strong>
                    <div className="muted small">
                      {run.source === 'upload' ? 'uploaded' : 'folder'}
                      {run.report
                        ? ` · ${run.report.documents} docs · ${run.report.queries} queries · ${run.report.mode}`
                        : ''}
                    </div>
                  </td>
                  <td data-label="When">{formatDate(run.createdAt)}</td>
                  <td data-label="State">
                    <span
                      className={`badge ${run.state === 'done' ? 'ok' : run.state === 'failed' ? 'bad' : 'busy'}`}
                    >
                      {run.state}
                    </span>
                    {run.error && <div className="error-note small">{run.error}</div>}
                  </td>
                  {metricNames.map(([key, label]) => (
                    <td key={key} data-label={label} className="num">
                      {run.report ? run.report[key].toFixed(4) : '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.find((run) => run.state === 'done') && chosen.length < 2 && (
        <p className="muted small">Tick two finished runs to compare them side by side.</p>
      )}
      {runs[0]?.state === 'done' && <RunChart runs={[runs[0]]} title={`Latest run: ${runs[0].dataset}`} />}
    </section>
  );
}

function Comparison({ runs }: { runs: Evaluation[] }) {
  const [a, b] = runs as [Evaluation, Evaluation];
  return (
    <div className="section">
      <div className="table-wrap">
        <table className="table" aria-label="Comparison">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                A: {a.dataset} ({formatDate(a.createdAt)})
              </th>
              <th scope="col" className="num">
                B: {b.dataset} ({formatDate(b.createdAt)})
              </th>
              <th scope="col" className="num">
                B − A
              </th>
            </tr>
          </thead>
          <tbody>
            {metricNames.map(([key, label]) => {
              const delta = (b.report?.[key] ?? 0) - (a.report?.[key] ?? 0);
              return (
                <tr key={key}>
                  <th scope="row">{label}</th>
                  <td className="num">{a.report?.[key].toFixed(4)}</td>
                  <td className="num">{b.report?.[key].toFixed(4)}</td>
                  <td
                    className="num"
                    style={{ color: delta > 0 ? 'var(--ok)' : delta < 0 ? 'var(--danger)' : undefined }}
                  >
                    {delta >= 0 ? '+' : ''}
                    {delta.toFixed(4)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <RunChart runs={[a, b]} title="A and B side by side" />
    </div>
  );
}

function RunChart({ runs, title }: { runs: Evaluation[]; title: string }) {
  const data = metricNames.map(([key, label]) => ({
    metric: label,
    ...Object.fromEntries(runs.map((run, index) => [index === 0 ? 'A' : 'B', run.report?.[key] ?? 0])),
  }));
  const tick = { fill: 'var(--muted)', fontSize: 12 };
  return (
    <figure className="card chart-card section" style={{ marginInline: 0 }}>
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      <div className="chart">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
            <XAxis dataKey="metric" tick={tick} />
            <YAxis domain={[0, 1]} tick={tick} width={36} />
            <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }} />
            {runs.length > 1 && <Legend />}
            <Bar
              dataKey="A"
              name={runs.length > 1 ? 'A' : 'score'}
              fill="var(--accent)"
              isAnimationActive={false}
            />
            {runs.length > 1 && <Bar dataKey="B" name="B" fill="var(--ok)" isAnimationActive={false} />}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
