import { useEffect } from 'react';
import { Spinner } from './components/feedback.js';
import { Icon } from './components/icons.js';
import { linkHandler, navigate, usePath } from './lib/router.js';
import { isAdmin, useSession } from './lib/session.js';
import { useTheme } from './lib/theme.js';
import { AdminPage } from './pages/admin.page.js';
import { AnalyticsPage } from './pages/analytics.page.js';
import { ChatPage } from './pages/chat.page.js';
import { CollectionsPage } from './pages/collections.page.js';
import { DocumentsPage } from './pages/documents.page.js';
import { EvaluationPage } from './pages/evaluation.page.js';
import { SignInPage } from './pages/sign-in.page.js';

interface NavItem {
  path: string;
  label: string;
  admin?: boolean;
}

const nav: NavItem[] = [
  { path: '/chat', label: 'Chat' },
  { path: '/documents', label: 'Documents' },
  { path: '/collections', label: 'Collections' },
  { path: '/analytics', label: 'Analytics', admin: true },
  { path: '/evaluation', label: 'Evaluation', admin: true },
  { path: '/admin', label: 'Admin', admin: true },
];

/** The shell: header with navigation, theme toggle and account; the page for the current path. */
export function App() {
  const path = usePath();
  const session = useSession();
  const [theme, toggleTheme] = useTheme();
  const signedIn = Boolean(session.me);

  useEffect(() => {
    if (session.loading) return;
    if (!signedIn && path !== '/' && path !== '/sign-in') navigate('/sign-in', { replace: true });
    if (signedIn && (path === '/' || path === '/sign-in')) navigate('/chat', { replace: true });
  }, [session.loading, signedIn, path]);

  useEffect(() => {
    const item = nav.find((entry) => path.startsWith(entry.path));
    document.title = item ? `${item.label} · Lore` : 'Lore';
  }, [path]);

  const admin = isAdmin(session.me);
  const items = nav.filter((item) => !item.admin || admin);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href="/" onClick={linkHandler('/')}>
          <span className="brand-mark" aria-hidden="true">
            L
          </span>
          Lore
        </a>
        {signedIn && (
          <nav aria-label="Main" className="mainnav">
            {items.map((item) => (
              <a
                key={item.path}
                href={item.path}
                onClick={linkHandler(item.path)}
                aria-current={path.startsWith(item.path) ? 'page' : undefined}
              >
                {item.label}
              </a>
            ))}
          </nav>
        )}
        <div className="topbar-end">
          <button
            type="button"
            className="icon-button"
            onClick={toggleTheme}
            aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
            title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
          >
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
          </button>
          {session.me?.user && session.status?.userManagement && (
            <>
              <span className="who" title={session.me.user.email}>
                {session.me.user.name || session.me.user.email}
              </span>
              <button
                type="button"
                className="button ghost small"
                onClick={() => session.signOut().then(() => navigate('/sign-in'))}
              >
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {session.loading ? (
          <Spinner label="Loading Lore…" />
        ) : (
          <Page path={path} signedIn={signedIn} admin={admin} />
        )}
      </main>
    </div>
  );
}

function Page({ path, signedIn, admin }: { path: string; signedIn: boolean; admin: boolean }) {
  if (!signedIn) return <SignInPage />;
  if (path.startsWith('/chat')) return <ChatPage conversationId={path.split('/')[2]} />;
  if (path.startsWith('/documents')) return <DocumentsPage />;
  if (path.startsWith('/collections')) return <CollectionsPage />;
  if (admin && path.startsWith('/analytics')) return <AnalyticsPage />;
  if (admin && path.startsWith('/evaluation')) return <EvaluationPage />;
  if (admin && path.startsWith('/admin')) return <AdminPage />;
  if (path === '/' || path === '/sign-in') return <ChatPage />;
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        There is nothing at <code>{path}</code>.{' '}
        <a href="/chat" onClick={linkHandler('/chat')}>
          Go to the chat
        </a>
        .
      </p>
    </section>
  );
}
