import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { api, type Me, setCsrfToken, unwrap } from './api.js';

export interface AuthStatus {
  userManagement: boolean;
  setupRequired: boolean;
  password: boolean;
  sso: boolean;
  /** The public landing page the sign-in page links to (LORE_LANDING_URL). */
  landingUrl?: string;
}

interface SessionState {
  /** undefined while loading. */
  status?: AuthStatus;
  me?: Me;
  loading: boolean;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

/** Who is signed in (or the local user when user management is off), loaded from the API. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>();
  const [me, setMe] = useState<Me>();
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    try {
      const current = unwrap(await api.GET('/api/v1/auth/status'));
      setStatus(current);
      const mine = await api.GET('/api/v1/auth/me');
      if (mine.response.ok && mine.data) {
        setCsrfToken(mine.data.csrfToken);
        setMe(mine.data);
      } else {
        setCsrfToken(undefined);
        setMe(undefined);
      }
    } finally {
      setLoading(false);
    }
  }, []);

  const signOut = useCallback(async () => {
    await api.POST('/api/v1/auth/logout');
    setCsrfToken(undefined);
    setMe(undefined);
  }, []);

  useEffect(() => {
    refresh().catch(() => setLoading(false));
    const onSignedOut = () => {
      setCsrfToken(undefined);
      setMe(undefined);
    };
    window.addEventListener('lore:signed-out', onSignedOut);
    return () => window.removeEventListener('lore:signed-out', onSignedOut);
  }, [refresh]);

  return (
    <SessionContext.Provider
      value={{ ...(status ? { status } : {}), ...(me ? { me } : {}), loading, refresh, signOut }}
    >
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export function isAdmin(me: Me | undefined): boolean {
  return me?.role === 'admin';
}
