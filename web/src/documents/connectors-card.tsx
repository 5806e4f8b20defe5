import { useEffect, useState } from 'react';
import { ErrorNote } from '../components/feedback.js';
import { ApiFailure, api, errorText, type Schemas, unwrap } from '../lib/api.js';
import { formatDate, useAsync } from '../lib/use-async.js';
import { runCounts, runDuration, runStateLabel } from './connector-form.js';
import { NewConnectorForm } from './new-connector-form.js';

type Connector = Schemas['Connector'];
type Run = Schemas['ConnectorRun'];

/** How often the card polls while a run is in progress. */
const pollMs = 1500;

/**
 * Connectors (S3, Git, web) of the collections the user can edit: create S3 and Git connectors, run
 * one now, cancel a running sync or crawl, and see the last ten runs (polled while one runs).
 * Hidden when the user may not manage connectors (no `write` scope).
 */
export function ConnectorsCard({
  nameOf,
  collections,
  refresh = 0,
  onSynced,
}: {
  nameOf: Map<string, string>;
  /** Collections the user can edit (targets for a new connector). */
  collections: { id: string; name: string }[];
  /** Bumped by the page when a connector was added elsewhere (Add URL). */
  refresh?: number;
  onSynced(): void;
}) {
  const connectors = useAsync(async () => unwrap(await api.GET('/api/v1/connectors')).connectors, [refresh]);
  const [error, setError] = useState<string>();
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string>();
  const reloadConnectors = connectors.reload;
  const running = (connectors.data ?? []).some((entry) => entry.runs[0]?.state === 'running');
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => {
      reloadConnectors();
      onSynced();
    }, pollMs);
    return () => clearTimeout(timer);
  }, [running, reloadConnectors, onSynced]);

  if (connectors.error) return null;
  const list = connectors.data ?? [];
  const act = async (action: () => Promise<unknown>, conflict: string) => {
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      setError(caught instanceof ApiFailure && caught.status === 409 ? conflict : errorText(caught));
    }
    connectors.reload();
  };
  const runNow = (connector: Connector) =>
    act(
      async () =>
        unwrap(await api.POST('/api/v1/connectors/{id}/runs', { params: { path: { id: connector.id } } })),
      `${connector.name} is already running: wait for the run to finish, or cancel it.`,
    );
  const cancel = (connector: Connector) =>
    act(
      async () =>
        unwrap(
          await api.POST('/api/v1/connectors/{id}/runs/current/cancel', {
            params: { path: { id: connector.id } },
          }),
        ),
      `${connector.name} has no run in progress (it may have just finished).`,
    );
  const remove = async (connector: Connector) => {
    if (!window.confirm(`Delete connector ${connector.name}? Its documents stay.`)) return;
    await act(async () => {
      const reply = await api.DELETE('/api/v1/connectors/{id}', {
        params: { path: { id: connector.id }, query: {} },
      });
      if (reply.error) unwrap(reply);
    }, `${connector.name} is busy; try again.`);
  };
  return (
    <div className="card connectors-card">
      <div className="list-head">
        <h2>Connectors</h2>
        {!creating && collections.length > 0 && (
          <button type="button" className="button ghost small" onClick={() => setCreating(true)}>
            New connector
          </button>
        )}
      </div>
      {creating && (
        <NewConnectorForm
          collections={collections}
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            setOpen(created.id);
            connectors.reload();
          }}
        />
      )}
      <ErrorNote>{error}</ErrorNote>
      {list.length === 0 && !creating && (
        <p className="hint">
          No connectors yet. A connector keeps a collection in step with an S3 bucket, a Git repository or a
          website (Add URL).
        </p>
      )}
      {list.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Source</th>
                <th>Collection</th>
                <th>Schedule</th>
                <th>Last run</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((connector) => {
                const run = connector.runs[0];
                const isRunning = run?.state === 'running';
                return (
                  <ConnectorRow
                    key={connector.id}
                    connector={connector}
                    collection={nameOf.get(connector.collectionId) ?? connector.collectionId}
                    open={open === connector.id}
                    onToggle={() => setOpen(open === connector.id ? undefined : connector.id)}
                  >
                    <button
                      type="button"
                      className="button ghost small"
                      disabled={isRunning}
                      onClick={() => void runNow(connector)}
                    >
                      Run now
                    </button>
                    {isRunning && (
                      <button
                        type="button"
                        className="button ghost small danger"
                        disabled={Boolean(run?.cancelRequestedAt)}
                        onClick={() => void cancel(connector)}
                      >
                        Cancel run
                      </button>
                    )}
                    <button
                      type="button"
                      className="button ghost small"
                      disabled={isRunning}
                      onClick={() => void remove(connector)}
                    >
                      Delete
                    </button>
                  </ConnectorRow>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ConnectorRow({
  connector,
  collection,
  open,
  onToggle,
  children,
}: {
  connector: Connector;
  collection: string;
  open: boolean;
  onToggle(): void;
  children: React.ReactNode;
}) {
  const run = connector.runs[0];
  return (
    <>
      <tr data-testid={`connector-${connector.name}`}>
        <td>{connector.name}</td>
        <td>{connectorSource(connector)}</td>
        <td>{collection}</td>
        <td>{connector.intervalMinutes > 0 ? `every ${connector.intervalMinutes} min` : 'manual'}</td>
        <td data-testid="last-run">
          {run ? (
            <>
              <RunBadge run={run} /> {formatDate(run.startedAt)}: {runCounts(run)}
              {run.error ? ` (${run.error})` : ''}
            </>
          ) : (
            'never run'
          )}
        </td>
        <td className="actions">
          {children}
          <button type="button" className="button ghost small" aria-expanded={open} onClick={onToggle}>
            {open ? 'Hide runs' : 'Runs'}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="run-history-row">
          <td colSpan={6}>
            <RunHistory connectorId={connector.id} latest={run} />
          </td>
        </tr>
      )}
    </>
  );
}

function RunBadge({ run }: { run: Run }) {
  const tone =
    run.state === 'done' && run.failed === 0
      ? 'ok'
      : run.state === 'running'
        ? 'busy'
        : run.state === 'cancelled'
          ? ''
          : 'bad';
  return <span className={`badge ${tone}`}>{runStateLabel(run)}</span>;
}

/** The last ten runs of one connector (re-read whenever the card's latest run changes). */
function RunHistory({ connectorId, latest }: { connectorId: string; latest: Run | undefined }) {
  const detail = useAsync(
    async () => unwrap(await api.GET('/api/v1/connectors/{id}', { params: { path: { id: connectorId } } })),
    [connectorId, latest?.id, latest?.state, latest?.seen, latest?.cancelRequestedAt],
  );
  if (detail.error) return <ErrorNote>{detail.error}</ErrorNote>;
  const runs = detail.data?.runs ?? [];
  if (runs.length === 0) return <p className="hint">{detail.loading ? 'Loading…' : 'No runs yet.'}</p>;
  return (
    <table className="table run-history" aria-label="Last runs">
      <thead>
        <tr>
          <th>Status</th>
          <th>Started</th>
          <th>Ended</th>
          <th>Added</th>
          <th>Updated</th>
          <th>Unchanged</th>
          <th>Removed</th>
          <th>Failed</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id}>
            <td>
              <RunBadge run={run} /> <small>{run.trigger}</small>
            </td>
            <td>{formatDate(run.startedAt)}</td>
            <td>
              {run.finishedAt ? `${formatDate(run.finishedAt)} (${runDuration(run)})` : 'still running'}
            </td>
            <td>{run.added}</td>
            <td>{run.updated}</td>
            <td>{run.unchanged}</td>
            <td>{run.removed}</td>
            <td>{run.failed}</td>
            <td>
              {run.error ?? ''}
              {run.failures.length > 0 && (
                <ul className="run-failures">
                  {run.failures.slice(0, 5).map((failure) => (
                    <li key={failure.key}>
                      {failure.key}: {failure.message}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Where a connector syncs from, as shown in the table. */
export function connectorSource(connector: {
  kind: string;
  s3?: { bucket: string; prefix: string };
  git?: { url: string; branch?: string; path?: string };
  web?: { url: string; depth: number; maxPages: number };
}): string {
  if (connector.kind === 's3') return `s3://${connector.s3?.bucket}/${connector.s3?.prefix ?? ''}`;
  if (connector.kind === 'web') {
    const web = connector.web;
    return web ? `${web.url} (depth ${web.depth}, up to ${web.maxPages} pages)` : '';
  }
  const git = connector.git;
  if (!git) return '';
  return `${git.url}${git.branch ? ` @ ${git.branch}` : ''}${git.path ? ` /${git.path}` : ''}`;
}
