import type { IdentityStore } from '../../ports/identity.port.js';
import type { Session, User } from './identity.records.js';
import { randomToken, sha256 } from './secret-token.js';

export interface SessionOptions {
  ttlMs: number;
  /** Extend the session while it is used. */
  sliding: boolean;
}

/** A session as its holder sees it: the cookie value (never stored) and the CSRF token. */
export interface IssuedSession {
  token: string;
  session: Session;
}

export interface ResolvedSession {
  session: Session;
  user: User;
  /** Set when the expiry moved forward (the cookie must be sent again). */
  renewed: boolean;
}

/**
 * Browser sessions: a random 32-byte token in the cookie, only its sha256 in the database, a CSRF
 * token per session. Expired sessions and sessions of disabled users do not resolve.
 *
 * @example
 * const { token, session } = await sessions.create(user.id);
 * const resolved = await sessions.resolve(token); // { session, user, renewed }
 */
export class SessionService {
  constructor(
    private readonly identity: IdentityStore,
    private readonly options: SessionOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async create(userId: string): Promise<IssuedSession> {
    const token = randomToken(32);
    const at = this.now();
    const session: Session = {
      tokenHash: sha256(token),
      userId,
      csrfToken: randomToken(32),
      createdAt: new Date(at).toISOString(),
      expiresAt: new Date(at + this.options.ttlMs).toISOString(),
    };
    await this.identity.createSession(session);
    return { token, session };
  }

  async resolve(token: string): Promise<ResolvedSession | undefined> {
    if (token.length < 16 || token.length > 200) return undefined;
    const session = await this.identity.getSession(sha256(token));
    if (!session) return undefined;
    const now = this.now();
    if (Date.parse(session.expiresAt) <= now) {
      await this.identity.deleteSession(session.tokenHash);
      return undefined;
    }
    const user = await this.identity.getUser(session.userId);
    if (!user || user.disabled) return undefined;
    // Renew at most every tenth of the lifetime, so a busy session does not write on every request.
    const left = Date.parse(session.expiresAt) - now;
    if (this.options.sliding && left < this.options.ttlMs * 0.9) {
      const renewed = { ...session, expiresAt: new Date(now + this.options.ttlMs).toISOString() };
      await this.identity.deleteSession(session.tokenHash);
      await this.identity.createSession(renewed);
      return { session: renewed, user, renewed: true };
    }
    return { session, user, renewed: false };
  }

  async revoke(token: string): Promise<Session | undefined> {
    const session = await this.identity.getSession(sha256(token));
    if (session) await this.identity.deleteSession(session.tokenHash);
    return session;
  }

  /** Ends every session of a user (password change, disable, role change). */
  async revokeAll(userId: string): Promise<void> {
    await this.identity.deleteUserSessions(userId);
  }

  /** Deletes expired sessions (a scheduled task); returns how many. */
  async prune(): Promise<number> {
    return this.identity.deleteExpiredSessions(new Date(this.now()).toISOString());
  }
}
