import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRequiring } from '../fixtures/datasets.js';
import { call } from '../fixtures/http-client.js';
import { type LoreServer, startLoreServer } from '../fixtures/lore-server.js';
import { createMigratedDatabase, postgresUnavailable, type TestDatabase } from '../fixtures/postgres.js';

/*
 * Two real `lore serve` API processes on one database (an SQLite file; a PostgreSQL database): failed
 * sign-ins counted by either one count for both, so alternating replicas or firing a burst at both
 * gets no more attempts than one replica alone would allow.
 */

const adminEmail = 'admin@replicas.test';
const adminPassword = 'replica admin passphrase 1';
const maxFailures = 3;

function suite(backend: 'sqlite' | 'postgres', missing: string | undefined) {
  describeRequiring(`sign-in throttling across two API replicas on ${backend}`, missing, () => {
    const work = mkdtempSync(join(tmpdir(), 'lore-replicas-'));
    let database: TestDatabase | undefined;
    const replicas: LoreServer[] = [];

    beforeAll(async () => {
      database = backend === 'postgres' ? await createMigratedDatabase() : undefined;
      const env = (name: string) => ({
        LORE_USER_MANAGEMENT: 'on',
        LORE_ADMIN_EMAIL: adminEmail,
        LORE_ADMIN_PASSWORD: adminPassword,
        LORE_ROLES: 'api',
        LORE_LOGIN_MAX_FAILURES: String(maxFailures),
        LORE_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '100000',
        // Each test comes from its own client address (the proxy's X-Forwarded-For).
        LORE_TRUST_PROXY: 'true',
        ...(database ? { LORE_DATABASE_URL: database.url, LORE_DB_POOL_SIZE: '4' } : {}),
        LORE_DATA_DIR: database ? join(work, name) : join(work, 'shared'),
      });
      // One after the other: the first creates the schema (SQLite) and the administrator.
      replicas.push(await startLoreServer(env('a'), { dataDir: env('a').LORE_DATA_DIR }));
      replicas.push(await startLoreServer(env('b'), { dataDir: env('b').LORE_DATA_DIR }));
    }, 120_000);
    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await database?.drop();
      rmSync(work, { recursive: true, force: true });
    });

    const attempt = (replica: number, email: string, from: string, password = 'not the password at all') =>
      call(replicas[replica]!.url, '/api/v1/auth/login', {
        body: { email, password },
        headers: { 'x-forwarded-for': from },
      });

    it('alternating attempts across both replicas hit the one shared limit', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await attempt(i % 2, adminEmail, '198.51.100.1')).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
      // Blocked on both, even with the right password.
      for (const replica of [0, 1]) {
        const blocked = await attempt(replica, adminEmail, '198.51.100.1', adminPassword);
        expect(blocked.status).toBe(429);
        expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
      }
    });

    it('a burst fired at both replicas at once gets no more attempts than the limit', async () => {
      const email = 'burst-victim@replicas.test';
      const replies = await Promise.all(
        Array.from({ length: 24 }, (_, i) => attempt(i % 2, email, '198.51.100.2')),
      );
      const statuses = replies.map((reply) => reply.status);
      expect(statuses.filter((status) => status === 401)).toHaveLength(maxFailures);
      expect(statuses.filter((status) => status === 429)).toHaveLength(24 - maxFailures);
    });

    it('one address spraying many emails is limited across replicas too (ten times the per-email limit)', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 34; i++) {
        statuses.push((await attempt(i % 2, `sprayed-${i}@replicas.test`, '198.51.100.3')).status);
      }
      expect(statuses).toEqual([...Array(maxFailures * 10).fill(401), ...Array(4).fill(429)]);
      // Another address is not affected.
      expect((await attempt(0, 'sprayed-0@replicas.test', '198.51.100.4')).status).toBe(401);
    });
  });
}

suite('sqlite', undefined);
suite('postgres', postgresUnavailable);
