import type { AttemptWindow, LoginAttemptStore } from '../../ports/login-attempts.port.js';
import { sha256 } from './secret-token.js';

/** How many attempts a key may make within `windowMs`. */
export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
}

/** One sign-in attempt, counted before the password is checked. */
export interface SignInTicket {
  /** 0: check the password; otherwise refuse without checking it, and retry after this many ms. */
  retryAfterMs: number;
  /** The password was wrong (or the account cannot sign in with one). */
  failed(): void;
  /** The password was right: the attempt is taken back and the email's failures are forgotten. */
  succeeded(): Promise<void>;
}

/**
 * Sign-in throttling that holds across API replicas: per email + address and per address alone,
 * every attempt is counted in the database (`LoginAttemptStore`) *before* the password is checked,
 * so concurrent attempts on several processes cannot slip past the limit; a successful attempt is
 * taken back. The per-process cache only remembers keys the database reported as blocked, until
 * their window closes: it can refuse without a round trip, never admit one the database would refuse.
 *
 * @example
 * const ticket = await throttle.begin(email, ip);
 * if (ticket.retryAfterMs > 0) throw tooMany(ticket.retryAfterMs);
 * ok ? await ticket.succeeded() : ticket.failed();
 */
export class LoginThrottle {
  /** Key → local time (ms) until which the database said it is blocked. */
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly store: LoginAttemptStore,
    private readonly rules: { perEmail: ThrottleRule; perAddress: ThrottleRule },
    private readonly now: () => number = Date.now,
    private readonly maxCachedKeys = 10_000,
  ) {}

  async begin(email: string, ip: string): Promise<SignInTicket> {
    const keys = [
      { key: `email:${sha256(`${email.trim().toLowerCase()}|${ip}`)}`, rule: this.rules.perEmail },
      { key: `address:${sha256(ip)}`, rule: this.rules.perAddress },
    ];
    const cached = Math.max(0, ...keys.map(({ key }) => this.cachedWait(key)));
    if (cached > 0) return refused(cached);
    const windows = await Promise.all(keys.map(({ key, rule }) => this.store.count(key, rule.windowMs)));
    const over = keys.flatMap(({ key, rule }, index) => {
      const window = windows[index] as AttemptWindow;
      return window.attempts > rule.maxFailures ? [{ key, window }] : [];
    });
    if (over.length > 0) {
      for (const { key, window } of over) this.remember(key, window.remainingMs);
      return refused(Math.max(1, ...over.map(({ window }) => window.remainingMs)));
    }
    const [emailKey, addressKey] = keys.map(({ key }) => key) as [string, string];
    return {
      retryAfterMs: 0,
      failed: () => {
        // A key at its limit is refused on its next attempt: no need to ask the database for that.
        keys.forEach(({ key, rule }, index) => {
          const window = windows[index] as AttemptWindow;
          if (window.attempts >= rule.maxFailures) this.remember(key, window.remainingMs);
        });
      },
      succeeded: async () => {
        await Promise.all([this.store.clear(emailKey), this.store.forgive(addressKey)]);
      },
    };
  }

  private cachedWait(key: string): number {
    const until = this.blocked.get(key);
    if (until === undefined) return 0;
    const wait = until - this.now();
    if (wait <= 0) this.blocked.delete(key);
    return Math.max(0, wait);
  }

  private remember(key: string, remainingMs: number): void {
    if (remainingMs <= 0) return;
    if (this.blocked.size >= this.maxCachedKeys) {
      const now = this.now();
      for (const [cachedKey, until] of this.blocked) if (until <= now) this.blocked.delete(cachedKey);
      // Forgetting cached blocks only costs round trips: the database still refuses them.
      if (this.blocked.size >= this.maxCachedKeys) this.blocked.clear();
    }
    this.blocked.set(key, this.now() + remainingMs);
  }
}

function refused(retryAfterMs: number): SignInTicket {
  return { retryAfterMs, failed: () => undefined, succeeded: async () => undefined };
}
