import { useId, useState } from 'react';
import { ErrorNote } from '../components/feedback.js';
import { api, errorText, unwrap } from '../lib/api.js';
import { type ConnectorForm, connectorBody, emptyConnectorForm } from './connector-form.js';

/**
 * "New connector": an S3 bucket/prefix or a Git repository synced into a collection on a schedule.
 * Checked here first with the server's rules; the server's refusal is shown in words.
 */
export function NewConnectorForm({
  collections,
  onCreated,
  onClose,
}: {
  collections: { id: string; name: string }[];
  onCreated(connector: { id: string; name: string }): void;
  onClose(): void;
}) {
  const id = useId();
  const [form, setForm] = useState<ConnectorForm>(emptyConnectorForm);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const collectionId = form.collectionId || collections[0]?.id || '';
  const checked = connectorBody({ ...form, collectionId });
  const set = (patch: Partial<ConnectorForm>) => setForm((current) => ({ ...current, ...patch }));
  const text = (label: string, key: keyof ConnectorForm, placeholder = '', hint?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        value={form[key]}
        placeholder={placeholder}
        {...(hint ? { 'aria-describedby': `${id}-${key}-hint` } : {})}
        onChange={(event) => set({ [key]: event.target.value })}
      />
      {hint && (
        <small className="hint" id={`${id}-${key}-hint`}>
          {hint}
        </small>
      )}
    </div>
  );

  const submit = async () => {
    setTried(true);
    if (!('body' in checked)) return;
    setError(undefined);
    setBusy(true);
    try {
      const created = unwrap(await api.POST('/api/v1/connectors', { body: checked.body }));
      setForm(emptyConnectorForm);
      setTried(false);
      onCreated(created);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="stack new-connector"
      aria-label="New connector"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>New connector</h3>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select
            id={`${id}-kind`}
            value={form.kind}
            onChange={(event) => set({ kind: event.target.value as 's3' | 'git' })}
          >
            <option value="s3">S3 bucket</option>
            <option value="git">Git repository</option>
          </select>
        </div>
        {text('Name', 'name', 'handbook')}
        <div className="field">
          <label htmlFor={`${id}-collection`}>Collection</label>
          <select
            id={`${id}-collection`}
            value={collectionId}
            onChange={(event) => set({ collectionId: event.target.value })}
          >
            {collections.map((collection) => (
              <option key={collection.id} value={collection.id}>
                {collection.name}
              </option>
            ))}
          </select>
        </div>
        {text('Sync every (minutes)', 'intervalMinutes', 'manual', '0 or empty: only when you run it')}
      </div>
      {form.kind === 's3' ? (
        <>
          <div className="row">
            {text('Bucket', 'bucket', 'acme-docs')}
            {text('Prefix', 'prefix', 'handbook/', 'Folder inside the bucket; empty: the whole bucket')}
            {text('Region', 'region', 'server default')}
            {text('Endpoint', 'endpoint', 'https://minio.internal:9000', 'Only for S3-compatible stores')}
          </div>
          <p className="hint">
            No keys are stored in Lore. The server reads the bucket with its own AWS credentials (environment,
            shared profile or instance/task role), which need s3:ListBucket and s3:GetObject.
          </p>
        </>
      ) : (
        <>
          <div className="row">
            {text(
              'Repository',
              'repository',
              'https://git.example.com/team/specs.git',
              'Clone URL, or the path of a repository on the server',
            )}
            {text('Branch', 'branch', 'default branch')}
            {text('Folder', 'path', 'docs', 'Only files under this folder; empty: all')}
          </div>
          <p className="hint">
            No passwords are stored: the server uses its own SSH key or Git credential helper. Committed files
            of the branch are indexed.
          </p>
        </>
      )}
      {(tried || form.name !== '') && 'problem' in checked && (
        <p className="hint" data-testid="connector-problem">
          {checked.problem}
        </p>
      )}
      <ErrorNote>{error}</ErrorNote>
      <div className="row">
        <button type="submit" className="button" disabled={busy}>
          Create connector
        </button>
        <button type="button" className="button ghost" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
