import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../adapters/store/sqlite/database.js';
import { SqliteLoginAttempts } from '../../adapters/store/sqlite/sqlite.login-attempts.js';
import type { LoginAttemptStore } from '../../ports/login-attempts.port.js';
import { LoginThrottle } from './login-throttle.js';

const rules = {
  perEmail: { maxFailures: 3, windowMs: 60_000 },
  perAddress: { maxFailures: 5, windowMs: 60_000 },
};

function setup() {
  const clock = { now: 1_000_000 };
  const db = openDatabase(':memory:');
  const store = new SqliteLoginAttempts(db, () => clock.now);
  return {
    clock,
    store,
    throttle: (cache?: number) => new LoginThrottle(store, rules, () => clock.now, cache),
  };
}

async function fail(throttle: LoginThrottle, email: string, ip: string): Promise<number> {
  const ticket = await throttle.begin(email, ip);
  if (ticket.retryAfterMs === 0) ticket.failed();
  return ticket.retryAfterMs;
}

describe('LoginThrottle over the shared attempt store', () => {
  it('refuses an email + address after maxFailures until its window closes; success forgives', async () => {
    const { clock, throttle } = setup();
    const one = throttle();
    for (let i = 0; i < 3; i++) expect(await fail(one, 'Ann@example.com', '1.2.3.4')).toBe(0);
    expect(await fail(one, 'ann@example.com', '1.2.3.4')).toBe(60_000);
    expect(await fail(one, 'ann@example.com', '5.6.7.8')).toBe(0);
    clock.now += 59_000;
    expect(await fail(one, 'ann@example.com', '1.2.3.4')).toBe(1_000);
    clock.now += 1_000;
    const ticket = await one.begin('ann@example.com', '1.2.3.4');
    expect(ticket.retryAfterMs).toBe(0);
    await ticket.succeeded();
    for (let i = 0; i < 3; i++) expect(await fail(one, 'ann@example.com', '1.2.3.4')).toBe(0);
  });

  it('counts attempts of every process that shares the store: two throttles alternate, one limit', async () => {
    const { throttle } = setup();
    const [a, b] = [throttle(), throttle()];
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push(await fail(i % 2 === 0 ? a : b, 'bob@example.com', '9.9.9.9'));
    expect(waits.map((wait) => wait > 0)).toEqual([false, false, false, true, true, true]);
  });

  it('counts concurrent attempts before the password is checked, so a burst cannot slip through', async () => {
    const { throttle } = setup();
    const [a, b] = [throttle(), throttle()];
    const tickets = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).begin('carol@example.com', '7.7.7.7')),
    );
    expect(tickets.filter((ticket) => ticket.retryAfterMs === 0)).toHaveLength(3);
  });

  it('limits one address across many emails (spraying) at its own, larger limit', async () => {
    const { throttle } = setup();
    const one = throttle();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) waits.push(await fail(one, `user${i}@example.com`, '3.3.3.3'));
    expect(waits.map((wait) => wait > 0)).toEqual([false, false, false, false, false, true, true]);
  });

  it('successful sign-ins do not use up the address limit', async () => {
    const { throttle } = setup();
    const one = throttle();
    for (let i = 0; i < 20; i++) {
      const ticket = await one.begin(`office${i}@example.com`, '10.0.0.1');
      expect(ticket.retryAfterMs).toBe(0);
      await ticket.succeeded();
    }
  });

  it('its cache refuses without a round trip but never admits: the store decides', async () => {
    const { clock, store } = setup();
    const counted: string[] = [];
    const spy: LoginAttemptStore = {
      count: (key, windowMs) => {
        counted.push(key);
        return store.count(key, windowMs);
      },
      forgive: (key) => store.forgive(key),
      clear: (key) => store.clear(key),
      prune: () => store.prune(),
    };
    const cached = new LoginThrottle(spy, rules, () => clock.now);
    for (let i = 0; i < 3; i++) await fail(cached, 'dan@example.com', '4.4.4.4');
    counted.length = 0;
    // Blocked: refused from the cache, without a round trip.
    expect(await fail(cached, 'dan@example.com', '4.4.4.4')).toBe(60_000);
    expect(counted).toEqual([]);
    // A tiny cache that forgets everything still refuses: the store decides.
    const forgetful = new LoginThrottle(store, rules, () => clock.now, 1);
    for (let i = 0; i < 3; i++) await fail(forgetful, 'erin@example.com', '4.4.4.5');
    await fail(forgetful, 'other@example.com', '4.4.4.6');
    expect(await fail(forgetful, 'erin@example.com', '4.4.4.5')).toBeGreaterThan(0);
    clock.now += 60_000;
    expect(await fail(cached, 'dan@example.com', '4.4.4.4')).toBe(0);
    expect(await store.prune()).toBeGreaterThan(0);
  });
});
