/** A key's attempts in its current window, as the database counted them. */
export interface AttemptWindow {
  /** Attempts counted in the window, this one included. */
  attempts: number;
  /** Milliseconds until the window closes (by the database's clock). */
  remainingMs: number;
}

/**
 * Sign-in attempts counted per key in fixed windows, shared by every process on the database, so a
 * limit holds however many API replicas answer. Windows are measured by the database's clock.
 */
export interface LoginAttemptStore {
  /**
   * Counts one attempt for `key`, atomically across processes. The window opens at the key's first
   * attempt and lasts `windowMs`; an attempt after it closes opens a new one.
   */
  count(key: string, windowMs: number): Promise<AttemptWindow>;
  /** Takes one attempt back (one that turned out to be a successful sign-in); never below zero. */
  forgive(key: string): Promise<void>;
  /** Forgets the key's window. */
  clear(key: string): Promise<void>;
  /** Deletes windows that have closed; returns how many (a scheduled clean-up). */
  prune(): Promise<number>;
}
