import { useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { EmptyState, ErrorNote, Spinner } from '../components/feedback.js';
import { api, unwrap } from '../lib/api.js';
import { useAsync } from '../lib/use-async.js';

const ranges = [
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
];

/** Usage analytics: questions, latency, tokens by model and user, feedback, top documents, unanswered. */
export function AnalyticsPage() {
  const [days, setDays] = useState(30);
  const from = new Date(Date.now() - days * 86_400_000).toISOString();
  const users = useAsync(async () => unwrap(await api.GET('/api/v1/users')).users, []);
  const emailOf = new Map((users.data ?? []).map((user) => [user.id, user.email]));
  const summary = useAsync(
    async () => unwrap(await api.GET('/api/v1/analytics/summary', { params: { query: { from } } })),
    [days],
  );
  const data = summary.data;
  const feedbackTotal = data ? data.feedback.up + data.feedback.down : 0;
  const tick = { fill: 'var(--muted)', fontSize: 12 };

  return (
    <section className="page">
      <div className="page-head">
        <h1>Analytics</h1>
        <div className="row">
          <label className="field inline">
            <span>Period</span>
            <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
              {ranges.map((range) => (
                <option key={range.days} value={range.days}>
                  {range.label}
                </option>
              ))}
            </select>
          </label>
          <a className="button secondary" href="/api/v1/analytics.csv" download>
            Export CSV
          </a>
        </div>
      </div>
      <ErrorNote>{summary.error}</ErrorNote>
      {summary.loading && !data && <Spinner label="Loading analytics…" />}
      {data && data.questions === 0 && (
        <EmptyState title="No questions in this period">
          <p>Questions asked in the chat, the API or connected clients appear here.</p>
        </EmptyState>
      )}
      {data && data.questions > 0 && (
        <>
          <div className="metrics">
            <Metric label="Questions" value={String(data.questions)} />
            <Metric
              label="Helpful (feedback)"
              value={feedbackTotal ? `${Math.round((100 * data.feedback.up) / feedbackTotal)} %` : '—'}
              detail={`${data.feedback.up} helpful · ${data.feedback.down} not helpful`}
            />
            <Metric label="Unanswered" value={String(data.unanswered.length)} />
            {Object.entries(data.modes).map(([mode, count]) => (
              <Metric key={mode} label={`${mode} answers`} value={String(count)} />
            ))}
          </div>
          <div className="grid">
            <Chart title="Questions per day">
              <BarChart data={data.days}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis dataKey="day" tick={tick} />
                <YAxis allowDecimals={false} tick={tick} width={32} />
                <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }} />
                <Bar dataKey="questions" name="Questions" fill="var(--accent)" />
              </BarChart>
            </Chart>
            <Chart title="Latency (ms)">
              <LineChart data={data.days}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis dataKey="day" tick={tick} />
                <YAxis tick={tick} width={44} />
                <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }} />
                <Legend />
                <Line
                  dataKey="latencyP50Ms"
                  name="p50"
                  stroke="var(--accent)"
                  dot={false}
                  isAnimationActive={false}
                />
                <Line
                  dataKey="latencyP95Ms"
                  name="p95"
                  stroke="var(--warn)"
                  dot={false}
                  isAnimationActive={false}
                />
              </LineChart>
            </Chart>
            <TokenChart title="Tokens by model" rows={data.byModel} tick={tick} />
            <TokenChart
              title="Tokens by user"
              rows={data.byUser.map((row) => ({ ...row, key: emailOf.get(row.key) ?? row.key }))}
              tick={tick}
            />
          </div>
          <div className="grid section">
            <div className="card">
              <h2>Most-cited documents</h2>
              {data.topDocuments.length === 0 ? (
                <p className="muted">No citations yet.</p>
              ) : (
                <ol>
                  {data.topDocuments.map((document) => (
                    <li key={document.documentId}>
                      {document.title ?? document.documentId}{' '}
                      <span className="muted small">({document.citations})</span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
            <div className="card">
              <h2>Unanswered questions</h2>
              {data.unanswered.length === 0 ? (
                <p className="muted">Every question found an answer.</p>
              ) : (
                <ul>
                  {data.unanswered.slice(0, 20).map((question) => (
                    <li key={question.id}>
                      {question.question}{' '}
                      <span className="muted small">{new Date(question.at).toLocaleDateString()}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

function Metric({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="metric">
      <div className="value">{value}</div>
      <div className="label">{label}</div>
      {detail && <div className="label">{detail}</div>}
    </div>
  );
}

function Chart({ title, children }: { title: string; children: React.ReactElement }) {
  return (
    <figure className="card chart-card" style={{ margin: 0 }}>
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      <div className="chart">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function TokenChart({
  title,
  rows,
  tick,
}: {
  title: string;
  rows: { key: string; inputTokens: number; outputTokens: number; costUsd: number }[];
  tick: { fill: string; fontSize: number };
}) {
  if (rows.every((row) => row.inputTokens + row.outputTokens === 0))
    return (
      <div className="card">
        <h2>{title}</h2>
        <p className="muted">No tokens used yet (extractive answers use none).</p>
      </div>
    );
  return (
    <Chart title={title}>
      <BarChart data={rows} layout="vertical">
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis type="number" tick={tick} />
        <YAxis type="category" dataKey="key" tick={tick} width={130} />
        <Tooltip contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }} />
        <Legend />
        <Bar dataKey="inputTokens" name="Input" stackId="t" fill="var(--accent)" />
        <Bar dataKey="outputTokens" name="Output" stackId="t" fill="var(--ok)" />
      </BarChart>
    </Chart>
  );
}
