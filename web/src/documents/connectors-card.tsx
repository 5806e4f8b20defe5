import { useEffect, useState } from 'react';
import { ErrorNote } from '../components/feedback.js';
import { api, errorText, unwrap } from '../lib/api.js';
import { formatDate, useAsync } from '../lib/use-async.js';

/**
 * Connectors (S3, Git, web) of the collections the user can edit, with the last run's progress (polled
 * while a run is in progress) and "Sync now". Hidden when there are none or the user may not see them.
 */
export function ConnectorsCard({ nameOf, onSynced }: { nameOf: Map<string, string>; onSynced(): void }) {
  const connectors = useAsync(async () => unwrap(await api.GET('/api/v1/connectors')).connectors, []);
  const [error, setError] = useState<string>();
  const reloadConnectors = connectors.reload;
  const running = (connectors.data ?? []).some((entry) => entry.runs[0]?.state === 'running');
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => {
      reloadConnectors();
      onSynced();
    }, 2000);
    return () => clearTimeout(timer);
  }, [running, reloadConnectors, onSynced]);

  if (connectors.error || (connectors.data ?? []).length === 0) return null;
  const syncNow = async (id: string) => {
    setError(undefined);
    try {
      unwrap(await api.POST('/api/v1/connectors/{id}/runs', { params: { path: { id } } }));
    } catch (caught) {
      setError(errorText(caught));
    }
    connectors.reload();
  };
  const remove = async (id: string, name: string) => {
    if (!window.confirm(`Delete connector ${name}? Its documents stay.`)) return;
    setError(undefined);
    try {
      const reply = await api.DELETE('/api/v1/connectors/{id}', { params: { path: { id }, query: {} } });
      if (reply.error) unwrap(reply);
    } catch (caught) {
      setError(errorText(caught));
    }
    connectors.reload();
  };
  return (
    <div className="card connectors-card">
      <h2>Connectors</h2>
      <ErrorNote>{error}</ErrorNote>
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
            {(connectors.data ?? []).map((connector) => {
              const run = connector.runs[0];
              return (
                <tr key={connector.id}>
                  <td>{connector.name}</td>
                  <td>{connectorSource(connector)}</td>
                  <td>{nameOf.get(connector.collectionId) ?? connector.collectionId}</td>
                  <td>
                    {connector.intervalMinutes > 0 ? `every ${connector.intervalMinutes} min` : 'manual'}
                  </td>
                  <td>
                    {run
                      ? `${run.state} ${formatDate(run.startedAt)}: ${run.seen} seen, ${run.added} added, ${run.updated} updated, ${run.removed} removed, ${run.failed} failed${run.error ? ` (${run.error})` : ''}`
                      : 'never run'}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button ghost small"
                      disabled={run?.state === 'running'}
                      onClick={() => void syncNow(connector.id)}
                    >
                      Sync now
                    </button>
                    <button
                      type="button"
                      className="button ghost small"
                      disabled={run?.state === 'running'}
                      onClick={() => void remove(connector.id, connector.name)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Where a connector syncs from, as shown in the table. */
export function connectorSource(connector: {
  kind: string;
  s3?: { bucket: string; prefix: string };
  git?: { url: string };
  web?: { url: string; depth: number; maxPages: number };
}): string {
  if (connector.kind === 's3') return `s3://${connector.s3?.bucket}/${connector.s3?.prefix ?? ''}`;
  if (connector.kind === 'web') {
    const web = connector.web;
    return web ? `${web.url} (depth ${web.depth}, up to ${web.maxPages} pages)` : '';
  }
  return connector.git?.url ?? '';
}
