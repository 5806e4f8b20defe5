import { type FormEvent, useState } from 'react';
import { EmptyState, ErrorNote, Spinner } from '../components/feedback.js';
import { api, errorText, type paths, unwrap } from '../lib/api.js';
import { useSession } from '../lib/session.js';
import { formatDate, useAsync } from '../lib/use-async.js';

type Tab = 'users' | 'keys' | 'providers' | 'audit';
type ProviderTest =
  paths['/api/v1/settings/providers/test']['post']['responses'][200]['content']['application/json'];

/** Administration: users and roles, API keys, provider settings with a test, the audit log. */
export function AdminPage() {
  const [tab, setTab] = useState<Tab>('users');
  const tabs: [Tab, string][] = [
    ['users', 'Users'],
    ['keys', 'API keys'],
    ['providers', 'Providers'],
    ['audit', 'Audit log'],
  ];
  return (
    <section className="page">
      <h1>Administration</h1>
      <div className="tabs" role="tablist" aria-label="Administration sections">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="section" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'users' && <Users />}
        {tab === 'keys' && <ApiKeys />}
        {tab === 'providers' && <Providers />}
        {tab === 'audit' && <Audit />}
      </div>
    </section>
  );
}

function Users() {
  const { status } = useSession();
  const users = useAsync(async () => unwrap(await api.GET('/api/v1/users')).users, []);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<string>();

  if (status && !status.userManagement)
    return (
      <EmptyState title="User management is off">
        Everyone reaching this server is the local administrator. Set LORE_USER_MANAGEMENT=on to create
        accounts.
      </EmptyState>
    );

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(undefined);
    try {
      const user = unwrap(
        await api.POST('/api/v1/users', {
          body: {
            email: String(data.get('email')),
            name: String(data.get('name') || data.get('email')),
            role: data.get('role') === 'admin' ? 'admin' : 'member',
            password: String(data.get('password')),
          },
        }),
      );
      setCreated(`Created ${user.email}.`);
      form.reset();
      users.reload();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function change(id: string, body: { role?: 'admin' | 'member'; disabled?: boolean }) {
    setError(undefined);
    try {
      unwrap(await api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body }));
      users.reload();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <>
      <form className="card row" onSubmit={create} aria-label="New user">
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" required />
        </label>
        <label className="field">
          <span>Name</span>
          <input name="name" />
        </label>
        <label className="field">
          <span>Initial password</span>
          <input name="password" type="password" minLength={8} required autoComplete="new-password" />
        </label>
        <label className="field">
          <span>Role</span>
          <select name="role" defaultValue="member">
            <option value="member">Member</option>
            <option value="admin">Administrator</option>
          </select>
        </label>
        <button type="submit" className="button">
          Add user
        </button>
      </form>
      {created && (
        <p className="muted" role="status">
          {created}
        </p>
      )}
      <ErrorNote>{error ?? users.error}</ErrorNote>
      {users.loading && !users.data && <Spinner label="Loading users…" />}
      {users.data && (
        <div className="table-wrap section">
          <table className="table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <tr key={user.id}>
                  <td data-label="User">
                    <strong>{user.name}</strong>
                    <div className="muted small">{user.email}</div>
                  </td>
                  <td data-label="Role">
                    <select
                      aria-label={`Role of ${user.email}`}
                      value={user.role}
                      onChange={(event) =>
                        change(user.id, { role: event.target.value === 'admin' ? 'admin' : 'member' })
                      }
                    >
                      <option value="member">Member</option>
                      <option value="admin">Administrator</option>
                    </select>
                  </td>
                  <td data-label="Last sign-in">
                    {user.lastLoginAt ? formatDate(user.lastLoginAt) : 'never'}
                  </td>
                  <td data-label="Status">
                    <button
                      type="button"
                      className={`button small ${user.disabled ? 'secondary' : 'ghost danger'}`}
                      onClick={() => change(user.id, { disabled: !user.disabled })}
                    >
                      {user.disabled ? 'Enable' : 'Disable'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function ApiKeys() {
  const keys = useAsync(
    async () => unwrap(await api.GET('/api/v1/api-keys', { params: { query: { all: 'true' } } })).keys,
    [],
  );
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const scopes = (['read', 'write', 'admin'] as const).filter((scope) => data.get(scope) === 'on');
    setError(undefined);
    try {
      const created = unwrap(
        await api.POST('/api/v1/api-keys', {
          body: { name: String(data.get('name')), scopes: scopes.length > 0 ? scopes : ['read'] },
        }),
      );
      setSecret(created.secret);
      form.reset();
      keys.reload();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <>
      <form className="card row" onSubmit={create} aria-label="New API key">
        <label className="field">
          <span>Name</span>
          <input name="name" required placeholder="e.g. nightly sync script" />
        </label>
        <fieldset className="row" style={{ border: 0, padding: 0 }}>
          <legend className="small">Scopes</legend>
          {['read', 'write', 'admin'].map((scope) => (
            <label key={scope} className="field inline">
              <input type="checkbox" name={scope} defaultChecked={scope === 'read'} /> {scope}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button">
          Create key
        </button>
      </form>
      {secret && (
        <div className="card section" role="status">
          <p>
            <strong>Copy this key now.</strong> It is shown only once; Lore keeps only a hash.
          </p>
          <code className="secret" data-testid="api-key-secret">
            {secret}
          </code>
          <button
            type="button"
            className="button ghost small"
            onClick={() => navigator.clipboard?.writeText(secret)}
          >
            Copy
          </button>
        </div>
      )}
      <ErrorNote>{error ?? keys.error}</ErrorNote>
      {keys.data?.length === 0 && <p className="muted">No API keys yet.</p>}
      {keys.data && keys.data.length > 0 && (
        <div className="table-wrap section">
          <table className="table" aria-label="API keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => (
                <tr key={key.id}>
                  <td data-label="Name">{key.name}</td>
                  <td data-label="Key">
                    <code>{key.prefix}…</code>
                  </td>
                  <td data-label="Scopes">{key.scopes.join(', ')}</td>
                  <td data-label="Last used">{key.lastUsedAt ? formatDate(key.lastUsedAt) : 'never'}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button ghost small danger"
                      onClick={async () => {
                        if (
                          !window.confirm(`Revoke the key “${key.name}”? Scripts using it will stop working.`)
                        )
                          return;
                        try {
                          unwrap(
                            await api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: key.id } } }),
                          );
                          keys.reload();
                        } catch (caught) {
                          setError(errorText(caught));
                        }
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Providers() {
  const settings = useAsync(async () => unwrap(await api.GET('/api/v1/settings')), []);
  const [test, setTest] = useState<ProviderTest>();
  const [testing, setTesting] = useState(false);
  const [error, setError] = useState<string>();

  async function run() {
    setTesting(true);
    setError(undefined);
    try {
      setTest(unwrap(await api.POST('/api/v1/settings/providers/test')));
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setTesting(false);
    }
  }

  if (settings.error) return <ErrorNote>{settings.error}</ErrorNote>;
  if (!settings.data) return <Spinner label="Loading settings…" />;
  const { providers, config, storage } = settings.data;
  return (
    <>
      <div className="grid">
        {(['llm', 'embedder'] as const).map((name) => (
          <div key={name} className="card">
            <h2>{name === 'llm' ? 'Language model' : 'Embedder'}</h2>
            <p>
              {providers[name].configured ? (
                <code>{providers[name].id}</code>
              ) : (
                <span className="muted">
                  Not configured
                  {name === 'llm' ? ': answers are extractive.' : ': keyword (BM25) search only.'}
                </span>
              )}
            </p>
            {test && (
              <p className={test[name].ok ? 'small' : 'error-note small'} data-testid={`test-${name}`}>
                {!test[name].configured
                  ? 'Nothing to test.'
                  : test[name].ok
                    ? `Works: ${test[name].detail} in ${test[name].latencyMs} ms.`
                    : `Failed after ${test[name].latencyMs} ms: ${test[name].error?.message}`}
              </p>
            )}
          </div>
        ))}
      </div>
      <p className="section">
        <button type="button" className="button" onClick={run} disabled={testing}>
          {testing ? 'Testing…' : 'Test the providers'}
        </button>
      </p>
      <ErrorNote>{error}</ErrorNote>
      <p className="muted small">
        Storage: {storage}. Settings come from environment variables (see docs/configuration.md); secrets are
        not shown.
      </p>
      <details className="card">
        <summary>Effective configuration</summary>
        <div className="table-wrap section">
          <table className="table" aria-label="Configuration">
            <tbody>
              {Object.entries(config).map(([name, value]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>
                    <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

function Audit() {
  const [before, setBefore] = useState<number>();
  const audit = useAsync(
    async () =>
      unwrap(
        await api.GET('/api/v1/audit', { params: { query: { limit: 50, ...(before ? { before } : {}) } } }),
      ),
    [before],
  );
  if (audit.error) return <ErrorNote>{audit.error}</ErrorNote>;
  if (!audit.data) return <Spinner label="Loading the audit log…" />;
  if (audit.data.entries.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  const next = audit.data.nextBefore;
  return (
    <>
      <div className="table-wrap">
        <table className="table" aria-label="Audit log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Who</th>
              <th scope="col">Target</th>
              <th scope="col">Address</th>
            </tr>
          </thead>
          <tbody>
            {audit.data.entries.map((entry) => (
              <tr key={entry.id}>
                <td data-label="When">{formatDate(entry.at)}</td>
                <td data-label="Action">
                  <code>{entry.action}</code>
                </td>
                <td data-label="Who">{entry.actorId ?? '—'}</td>
                <td data-label="Target">{entry.target ?? '—'}</td>
                <td data-label="Address">{entry.ip ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row section">
        {before && (
          <button type="button" className="button ghost small" onClick={() => setBefore(undefined)}>
            Newest
          </button>
        )}
        {next && (
          <button type="button" className="button secondary small" onClick={() => setBefore(next)}>
            Older entries
          </button>
        )}
      </div>
    </>
  );
}
