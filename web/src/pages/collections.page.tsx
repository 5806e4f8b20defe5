import { type FormEvent, useState } from 'react';
import { EmptyState, ErrorNote, Spinner } from '../components/feedback.js';
import { api, type Collection, errorText, unwrap } from '../lib/api.js';
import { isAdmin, useSession } from '../lib/session.js';
import { useAsync } from '../lib/use-async.js';

type Grant = { granteeType: 'user' | 'group'; granteeId: string; permission: 'reader' | 'editor' };

/** Collections: create, share with users and groups, see the embedding model in use. */
export function CollectionsPage() {
  const { me } = useSession();
  const admin = isAdmin(me);
  const collections = useAsync(async () => unwrap(await api.GET('/api/v1/collections')).collections, []);
  const settings = useAsync(
    async () => (admin ? unwrap(await api.GET('/api/v1/settings')) : undefined),
    [admin],
  );
  const [error, setError] = useState<string>();
  const [sharing, setSharing] = useState<string>();

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(undefined);
    try {
      unwrap(
        await api.POST('/api/v1/collections', {
          body: { name: String(data.get('name')).trim(), description: String(data.get('description') ?? '') },
        }),
      );
      form.reset();
      collections.reload();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  const embedder = settings.data?.providers.embedder;
  return (
    <section className="page">
      <h1>Collections</h1>
      <p className="muted">
        Search and answers only read the collections you may read. Share a collection with a person or a group
        as a reader (ask and search) or an editor (also add and remove documents).
      </p>
      {admin && (
        <p className="small" data-testid="embedding-status">
          Embedding model:{' '}
          <strong>{embedder?.configured ? embedder.id : 'none — keyword (BM25) search only'}</strong>
          {' · '}Generation:{' '}
          <strong>
            {settings.data?.providers.llm.configured
              ? settings.data.providers.llm.id
              : 'extractive answers (no language model)'}
          </strong>
        </p>
      )}
      <form className="card row" onSubmit={create} aria-label="New collection">
        <label className="field">
          <span>Name</span>
          <input name="name" required maxLength={100} placeholder="e.g. handbook" />
        </label>
        <label className="field" style={{ flex: 1 }}>
          <span>Description</span>
          <input name="description" maxLength={2000} placeholder="What is in it (optional)" />
        </label>
        <button type="submit" className="button">
          Create collection
        </button>
      </form>
      <ErrorNote>{error ?? collections.error}</ErrorNote>
      {collections.loading && !collections.data && <Spinner label="Loading collections…" />}
      {collections.data?.length === 0 && (
        <EmptyState title="No collections yet">
          <p>Create one above, or upload documents: they go to the “default” collection.</p>
        </EmptyState>
      )}
      <div className="grid section">
        {collections.data?.map((collection) => (
          <article key={collection.id} className="card" aria-labelledby={`collection-${collection.id}`}>
            <h2 id={`collection-${collection.id}`}>{collection.name}</h2>
            {collection.description && <p className="muted">{collection.description}</p>}
            <p className="small">
              {collection.documentCount} document{collection.documentCount === 1 ? '' : 's'} · you are{' '}
              <span className="badge">{collection.permission}</span>
            </p>
            {(collection.permission === 'owner' || admin) && (
              <div className="row">
                <button
                  type="button"
                  className="button secondary small"
                  aria-expanded={sharing === collection.id}
                  onClick={() => setSharing(sharing === collection.id ? undefined : collection.id)}
                >
                  Share
                </button>
                <button
                  type="button"
                  className="button ghost small danger"
                  onClick={async () => {
                    if (!window.confirm(`Delete the collection “${collection.name}” and all its documents?`))
                      return;
                    try {
                      unwrap(
                        await api.DELETE('/api/v1/collections/{id}', {
                          params: { path: { id: collection.id } },
                        }),
                      );
                      collections.reload();
                    } catch (caught) {
                      setError(errorText(caught));
                    }
                  }}
                >
                  Delete
                </button>
              </div>
            )}
            {sharing === collection.id && <SharePanel collection={collection} admin={admin} />}
          </article>
        ))}
      </div>
    </section>
  );
}

function SharePanel({ collection, admin }: { collection: Collection; admin: boolean }) {
  const grants = useAsync(
    async () =>
      unwrap(await api.GET('/api/v1/collections/{id}/grants', { params: { path: { id: collection.id } } }))
        .grants,
    [collection.id],
  );
  const groups = useAsync(async () => unwrap(await api.GET('/api/v1/groups')).groups, []);
  const users = useAsync(async () => (admin ? unwrap(await api.GET('/api/v1/users')).users : []), [admin]);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);

  const label = (grant: Grant) =>
    grant.granteeType === 'group'
      ? `group ${groups.data?.find((group) => group.id === grant.granteeId)?.name ?? grant.granteeId}`
      : (users.data?.find((user) => user.id === grant.granteeId)?.email ?? grant.granteeId);

  async function save(next: Grant[]) {
    setError(undefined);
    setSaved(false);
    try {
      unwrap(
        await api.PUT('/api/v1/collections/{id}/grants', {
          params: { path: { id: collection.id } },
          body: { grants: next },
        }),
      );
      grants.reload();
      setSaved(true);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const who = String(data.get('who')).trim();
    const permission = data.get('permission') === 'editor' ? 'editor' : 'reader';
    const group = groups.data?.find((entry) => entry.name === who);
    const grant: Grant = group
      ? { granteeType: 'group', granteeId: group.id, permission }
      : { granteeType: 'user', granteeId: who, permission };
    const current = (grants.data ?? []).map(({ granteeType, granteeId, permission: p }) => ({
      granteeType,
      granteeId,
      permission: p,
    }));
    await save([...current.filter((g) => g.granteeId !== grant.granteeId), grant]);
    form.reset();
  }

  return (
    <section className="section" aria-label={`Sharing of ${collection.name}`}>
      <h3 className="small-heading">Shared with</h3>
      {grants.loading && !grants.data && <Spinner label="Loading…" />}
      {grants.data?.length === 0 && <p className="muted small">Only you (and administrators).</p>}
      <ul className="tag-list" aria-label="People and groups">
        {grants.data?.map((grant) => (
          <li key={`${grant.granteeType}:${grant.granteeId}`} className="badge">
            {label(grant)} · {grant.permission}{' '}
            <button
              type="button"
              className="link"
              aria-label={`Stop sharing with ${label(grant)}`}
              onClick={() =>
                save(
                  (grants.data ?? [])
                    .filter((g) => g !== grant)
                    .map(({ granteeType, granteeId, permission }) => ({
                      granteeType,
                      granteeId,
                      permission,
                    })),
                )
              }
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={add}>
        <label className="field">
          <span>Email or group</span>
          <input name="who" required list={`share-${collection.id}`} placeholder="name@example.com" />
          <datalist id={`share-${collection.id}`}>
            {groups.data?.map((group) => (
              <option key={group.id} value={group.name} />
            ))}
            {users.data?.map((user) => (
              <option key={user.id} value={user.email} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>Access</span>
          <select name="permission" defaultValue="reader">
            <option value="reader">Reader</option>
            <option value="editor">Editor</option>
          </select>
        </label>
        <button type="submit" className="button small">
          Share
        </button>
      </form>
      {saved && (
        <p className="muted small" role="status">
          Sharing saved.
        </p>
      )}
      <ErrorNote>{error ?? grants.error}</ErrorNote>
    </section>
  );
}
