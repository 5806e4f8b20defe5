import { type FormEvent, useState } from 'react';
import { ErrorNote } from '../components/feedback.js';
import { api, errorText, setCsrfToken, unwrap } from '../lib/api.js';
import { navigate } from '../lib/router.js';
import { useSession } from '../lib/session.js';

/** Landing page: what Lore is, sign-in (password and SSO) and the first-run administrator set-up. */
export function SignInPage() {
  const session = useSession();
  const status = session.status;
  const ssoError = new URLSearchParams(window.location.search).get('login_error');

  return (
    <div className="landing">
      <section className="landing-intro">
        <h1>Ask your documents. See exactly where the answer comes from.</h1>
        <p>
          Lore reads your PDFs, Office files, spreadsheets, web pages and notes, then answers questions from
          them. Every claim carries a numbered citation; click it to see the cited sentence highlighted in the
          original page.
        </p>
        <ul className="feature-list">
          <li>Self-hosted: your documents never leave your server.</li>
          <li>
            Works without an API key (keyword search and extractive answers); better with a language model.
          </li>
          <li>Collections shared with the people and groups you choose.</li>
        </ul>
        {status?.landingUrl ? (
          <p>
            <a href={status.landingUrl} data-testid="landing-link">
              About Lore: features, measured quality and how to deploy it
            </a>
          </p>
        ) : null}
      </section>
      <section className="card landing-form" aria-labelledby="signin-title">
        {status === undefined ? (
          <p>Lore could not be reached. Check that the server is running and reload the page.</p>
        ) : status.setupRequired ? (
          <SetupForm onDone={session.refresh} />
        ) : status.userManagement ? (
          <SignInForm sso={status.sso} password={status.password} onDone={session.refresh} />
        ) : (
          <>
            <h2 id="signin-title">Welcome</h2>
            <p>User management is off on this server: you are the local administrator.</p>
            <button type="button" className="button" onClick={() => navigate('/chat')}>
              Open Lore
            </button>
          </>
        )}
        <ErrorNote>{ssoError ? `Single sign-on failed: ${ssoError}` : undefined}</ErrorNote>
      </section>
    </div>
  );
}

function SignInForm({
  sso,
  password,
  onDone,
}: {
  sso: boolean;
  password: boolean;
  onDone: () => Promise<void>;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const signedIn = unwrap(
        await api.POST('/api/v1/auth/login', {
          body: { email: String(form.get('email')), password: String(form.get('password')) },
        }),
      );
      setCsrfToken(signedIn.csrfToken);
      await onDone();
      navigate('/chat');
    } catch (caught) {
      setError(
        errorText(caught).startsWith('Your session')
          ? 'The email or password is wrong, or the account is disabled.'
          : errorText(caught),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h2 id="signin-title">Sign in</h2>
      {password && (
        <form onSubmit={submit} className="stack">
          <label className="field">
            <span>Email</span>
            <input name="email" type="email" autoComplete="username" required />
          </label>
          <label className="field">
            <span>Password</span>
            <input name="password" type="password" autoComplete="current-password" required />
          </label>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      )}
      {sso && (
        <>
          {password && <p className="divider">or</p>}
          <a className="button secondary" href="/api/v1/auth/oidc/start">
            Sign in with single sign-on
          </a>
        </>
      )}
      <ErrorNote>{error}</ErrorNote>
    </>
  );
}

function SetupForm({ onDone }: { onDone: () => Promise<void> }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const name = String(form.get('name') ?? '').trim();
      const signedIn = unwrap(
        await api.POST('/api/v1/auth/setup', {
          body: {
            setupToken: String(form.get('setupToken')).trim(),
            email: String(form.get('email')),
            password: String(form.get('password')),
            ...(name ? { name } : {}),
          },
        }),
      );
      setCsrfToken(signedIn.csrfToken);
      await onDone();
      navigate('/documents');
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h2 id="signin-title">Create the administrator</h2>
      <p className="muted">
        No account exists yet. Paste the one-time set-up token that <code>lore serve</code> printed when it
        started.
      </p>
      <form onSubmit={submit} className="stack">
        <label className="field">
          <span>Set-up token</span>
          <input name="setupToken" required autoComplete="off" spellCheck={false} />
        </label>
        <label className="field">
          <span>Your name</span>
          <input name="name" autoComplete="name" />
        </label>
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="new-password" minLength={8} required />
        </label>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Creating…' : 'Create administrator and sign in'}
        </button>
      </form>
      <ErrorNote>{error}</ErrorNote>
    </>
  );
}
