/** How many failures a key may have within `windowMs`. */
export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
}

interface Failures {
  count: number;
  firstAt: number;
}

/**
 * Counts failed sign-ins per key (email + address, and address alone) in fixed windows. When a key
 * reaches its limit, `retryAfterMs` tells how long until its window ends. In memory, per process:
 * several replicas each count their own failures.
 *
 * @example
 * const throttle = new LoginThrottle({ maxFailures: 5, windowMs: 15 * 60_000 });
 * if (throttle.retryAfterMs(`${email}|${ip}`) > 0) throw tooMany;
 */
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly rule: ThrottleRule,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const entry = this.current(key);
    if (!entry || entry.count < this.rule.maxFailures) return 0;
    return Math.max(1, entry.firstAt + this.rule.windowMs - this.now());
  }

  fail(key: string): void {
    const entry = this.current(key);
    if (entry) {
      entry.count += 1;
      return;
    }
    if (this.failures.size >= this.maxKeys) this.prune();
    this.failures.set(key, { count: 1, firstAt: this.now() });
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private current(key: string): Failures | undefined {
    const entry = this.failures.get(key);
    if (entry && this.now() - entry.firstAt >= this.rule.windowMs) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.failures) {
      if (now - entry.firstAt >= this.rule.windowMs) this.failures.delete(key);
    }
    // Still full (an attack from many addresses): forget the oldest half rather than grow without bound.
    if (this.failures.size >= this.maxKeys) {
      let drop = Math.ceil(this.failures.size / 2);
      for (const key of this.failures.keys()) {
        if (drop-- <= 0) break;
        this.failures.delete(key);
      }
    }
  }
}
