import { useEffect, useState } from 'react';
import { ErrorNote } from '../components/feedback.js';
import { api, errorText, type Schemas, unwrap } from '../lib/api.js';

export interface AddUrlForm {
  url: string;
  collectionId: string;
  crawl: boolean;
  depth: string;
  maxPages: string;
  intervalMinutes: string;
}

type Body = {
  url: string;
  collectionId: string;
  crawl?: { depth: number; maxPages: number };
  intervalMinutes: number;
};

/** The request body for `POST /api/v1/sources/url`, or the reason the form is not ready. */
export function urlSourceBody(form: AddUrlForm): { body: Body } | { problem: string } {
  let url: URL;
  try {
    url = new URL(form.url.trim());
  } catch {
    return { problem: 'Enter a full URL (https://…)' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'Only http and https URLs' };
  if (!form.collectionId) return { problem: 'Choose a collection' };
  const whole = (value: string, min: number, max: number) => {
    const n = Number(value);
    return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
  };
  const intervalMinutes = form.intervalMinutes.trim() === '' ? 0 : whole(form.intervalMinutes, 0, 525_600);
  if (intervalMinutes === undefined || (intervalMinutes > 0 && intervalMinutes < 5)) {
    return { problem: 'Re-crawl every 5 minutes or more (empty: never)' };
  }
  const body: Body = { url: url.href, collectionId: form.collectionId, intervalMinutes };
  if (form.crawl) {
    const depth = whole(form.depth, 1, 5);
    const maxPages = whole(form.maxPages, 1, 100_000);
    if (depth === undefined) return { problem: 'Depth is 1 to 5' };
    if (maxPages === undefined) return { problem: 'Max pages is at least 1' };
    body.crawl = { depth, maxPages };
  }
  return { body };
}

/** What the card shows of a run (the REST `ConnectorRun`). */
type RunView = Schemas['ConnectorRun'];

const runWord: Record<RunView['state'], string> = {
  running: 'Fetching…',
  done: 'Done:',
  failed: 'Failed:',
  cancelled: 'Cancelled:',
};

/** "Add URL": fetch one page or crawl a site into a collection, optionally re-crawled on a schedule. */
export function AddUrlCard({
  collections,
  onAdded,
  onStarted,
}: {
  collections: { id: string; name: string }[];
  /** The run ended (its pages are documents now). */
  onAdded(): void;
  /** The source was stored and its run started (the connectors card lists it, with Cancel). */
  onStarted?(): void;
}) {
  const [form, setForm] = useState<AddUrlForm>({
    url: '',
    collectionId: '',
    crawl: false,
    depth: '2',
    maxPages: '50',
    intervalMinutes: '',
  });
  const [error, setError] = useState<string>();
  const [job, setJob] = useState<{ connectorId: string; runId: string; run: RunView }>();
  const collectionId = form.collectionId || collections[0]?.id || '';
  const checked = urlSourceBody({ ...form, collectionId });
  const set = (patch: Partial<AddUrlForm>) => setForm((current) => ({ ...current, ...patch }));

  useEffect(() => {
    if (job?.run.state !== 'running') return;
    const timer = setTimeout(async () => {
      try {
        const connector = unwrap(
          await api.GET('/api/v1/connectors/{id}', { params: { path: { id: job.connectorId } } }),
        );
        const run = connector.runs.find((entry) => entry.id === job.runId);
        if (run) setJob({ ...job, run });
        if (run?.state !== 'running') onAdded();
      } catch (caught) {
        setError(errorText(caught));
      }
    }, 1000);
    return () => clearTimeout(timer);
  }, [job, onAdded]);

  const submit = async () => {
    if (!('body' in checked)) return;
    setError(undefined);
    try {
      const reply = unwrap(await api.POST('/api/v1/sources/url', { body: checked.body }));
      setJob({ connectorId: reply.connector.id, runId: reply.run.id, run: reply.run });
      onStarted?.();
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  const run = job?.run;
  return (
    <div className="card add-url-card">
      <h2>Add URL</h2>
      <form
        className="upload-options"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>Page or site URL</span>
          <input
            type="url"
            value={form.url}
            placeholder="https://example.com/docs/"
            onChange={(event) => set({ url: event.target.value })}
          />
        </label>
        <label className="field inline">
          <span>Collection</span>
          <select value={collectionId} onChange={(event) => set({ collectionId: event.target.value })}>
            {collections.map((collection) => (
              <option key={collection.id} value={collection.id}>
                {collection.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <input
            type="checkbox"
            checked={form.crawl}
            onChange={(event) => set({ crawl: event.target.checked })}
          />
          <span>Crawl linked pages</span>
        </label>
        {form.crawl && (
          <>
            <label className="field inline">
              <span>Depth</span>
              <input
                value={form.depth}
                inputMode="numeric"
                onChange={(event) => set({ depth: event.target.value })}
              />
            </label>
            <label className="field inline">
              <span>Max pages</span>
              <input
                value={form.maxPages}
                inputMode="numeric"
                onChange={(event) => set({ maxPages: event.target.value })}
              />
            </label>
          </>
        )}
        <label className="field inline">
          <span>Re-crawl every (minutes)</span>
          <input
            value={form.intervalMinutes}
            inputMode="numeric"
            placeholder="never"
            onChange={(event) => set({ intervalMinutes: event.target.value })}
          />
        </label>
        <button type="submit" className="button" disabled={!('body' in checked) || run?.state === 'running'}>
          Add
        </button>
      </form>
      {form.url.trim() !== '' && 'problem' in checked && <p className="hint">{checked.problem}</p>}
      <ErrorNote>{error}</ErrorNote>
      {run && (
        <p className="hint" data-testid="add-url-status">
          {runWord[run.state]} {run.seen} pages, {run.added} added, {run.updated} updated, {run.unchanged}{' '}
          unchanged, {run.removed} removed, {run.failed} failed{run.error ? ` (${run.error})` : ''}
        </p>
      )}
    </div>
  );
}
