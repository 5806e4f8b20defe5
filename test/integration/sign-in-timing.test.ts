import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoutes } from '../../src/server/app.routes.js';
import { createAuthKit } from '../../src/server/auth/auth-kit.js';
import { createTestApp } from '../fixtures/test-app.js';

/*
 * No user enumeration: an unknown email, a wrong password, a disabled account and an account without
 * a password (SSO only) get the same status and message, after the same work. Timing is measured on
 * interleaved samples (each round tries every case in a shuffled order, so machine noise hits them
 * alike) and compared by median and p90 against the wrong-password case. Skipping the password check
 * for unknown emails would make them ~50× faster; the bound (medians within 20 %, p90 within 50 %)
 * is loose enough for a busy 2-core machine and tight enough to catch that, or a second hash.
 * LORE_TIMING_SAMPLES raises the number of rounds (the figures in docs/reliability.md).
 */

const rounds = Number(process.env.LORE_TIMING_SAMPLES ?? 25);
const warmUp = 5;
const cases = ['wrong password', 'unknown email', 'disabled account', 'account without a password'] as const;
type Case = (typeof cases)[number];

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

describe('sign-in failures reveal nothing about accounts', () => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let fetchRoute: (request: Request) => Response | Promise<Response>;
  const emails = {} as Record<Case, string>;
  const password = 'the right passphrase 7';

  beforeAll(async () => {
    app = await createTestApp({
      userManagement: 'on',
      loginMaxFailures: 1000,
      anonymousRateLimitPerMinute: 1_000_000,
    });
    fetchRoute = createRoutes(app).fetch;
    const kit = createAuthKit(app);
    emails['wrong password'] = (
      await kit.accounts.create({ email: 'member@timing.test', role: 'member', password }, {})
    ).email;
    emails['unknown email'] = 'nobody@timing.test';
    const disabled = await kit.accounts.create(
      { email: 'disabled@timing.test', role: 'member', password },
      {},
    );
    await kit.accounts.update(disabled.id, { disabled: true }, {});
    emails['disabled account'] = disabled.email;
    emails['account without a password'] = (
      await kit.accounts.create({ email: 'sso@timing.test', role: 'member' }, {})
    ).email;
  });
  afterAll(async () => {
    await app?.dispose();
  });

  const attempt = async (which: Case) => {
    // The disabled account is tried with its right password: refusing it must cost the same.
    const body = {
      email: emails[which],
      password: which === 'disabled account' ? password : 'a wrong passphrase 8',
    };
    const started = performance.now();
    const response = await fetchRoute(
      new Request('http://lore.test/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
    const text = await response.text();
    return {
      ms: performance.now() - started,
      status: response.status,
      text,
      cookies: response.headers.getSetCookie(),
    };
  };

  it('answers every failure with the same status and message', async () => {
    const replies = await Promise.all(cases.map(async (which) => ({ which, ...(await attempt(which)) })));
    for (const reply of replies) {
      expect({ which: reply.which, status: reply.status }).toEqual({ which: reply.which, status: 401 });
      expect(JSON.parse(reply.text).error).toMatchObject({
        code: 'unauthenticated',
        message: 'wrong email or password',
      });
      expect(reply.cookies.join()).not.toMatch(/lore_session=[^;]/);
    }
  });

  it(`takes the same time whatever was wrong (${rounds} interleaved rounds)`, async () => {
    const samples = Object.fromEntries(cases.map((which) => [which, [] as number[]])) as Record<
      Case,
      number[]
    >;
    for (let round = 0; round < rounds + warmUp; round++) {
      const order = [...cases].sort(() => Math.random() - 0.5);
      for (const which of order) {
        const { ms, status } = await attempt(which);
        // Every sample is a real refusal (a throttled or rate-limited one would be fast for every case).
        expect(status).toBe(401);
        if (round >= warmUp) samples[which].push(ms);
      }
    }
    const reference = samples['wrong password'];
    const figures = cases.map((which) => ({
      which,
      median: quantile(samples[which], 0.5),
      p90: quantile(samples[which], 0.9),
    }));
    process.stdout.write(
      `sign-in timing (${rounds} rounds): ${figures
        .map((f) => `${f.which}: median ${f.median.toFixed(1)} ms, p90 ${f.p90.toFixed(1)} ms`)
        .join('; ')}\n`,
    );
    const refMedian = quantile(reference, 0.5);
    const refP90 = quantile(reference, 0.9);
    for (const f of figures) {
      expect(f.median / refMedian, `${f.which}: median ratio`).toBeGreaterThan(0.8);
      expect(f.median / refMedian, `${f.which}: median ratio`).toBeLessThan(1.25);
      expect(f.p90 / refP90, `${f.which}: p90 ratio`).toBeGreaterThan(2 / 3);
      expect(f.p90 / refP90, `${f.which}: p90 ratio`).toBeLessThan(1.5);
    }
  });
});
