import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/cli.js';
import { call, signIn } from '../fixtures/http-client.js';
import { CookieJar, type LoreServer, startLoreServer } from '../fixtures/lore-server.js';

const adminEmail = 'admin@example.com';
const adminPassword = 'first admin passphrase 7';
const jwtSecret = 'a-test-secret-that-is-at-least-32-bytes-long';
const jwtIssuer = 'https://issuer.example.com';

describe('authentication against a real server', () => {
  let server: LoreServer;
  let secrets: string;

  beforeAll(async () => {
    secrets = mkdtempSync(join(tmpdir(), 'lore-secrets-'));
    writeFileSync(join(secrets, 'admin-password'), `${adminPassword}\n`);
    server = await startLoreServer({
      LORE_USER_MANAGEMENT: 'on',
      LORE_ADMIN_EMAIL: adminEmail,
      LORE_ADMIN_PASSWORD_FILE: join(secrets, 'admin-password'),
      LORE_JWT_ISSUER: jwtIssuer,
      LORE_JWT_AUDIENCE: 'lore',
      LORE_JWT_SECRET: jwtSecret,
      LORE_LOG_LEVEL: 'info',
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(secrets, { recursive: true, force: true });
  });

  it('creates the first admin from the environment without ever printing the password', async () => {
    await signIn(server.url, adminEmail, adminPassword);
    expect(server.stdout()).not.toContain(adminPassword);
    expect(server.stderr()).not.toContain(adminPassword);
    expect(server.stdout()).toContain('created the first administrator');
  });

  it('refuses anonymous API calls but serves the page, probes and sign-in status', async () => {
    expect((await call(server.url, '/api/v1/search?q=x')).status).toBe(401);
    expect((await call(server.url, '/api/v1/documents')).status).toBe(401);
    expect((await call(server.url, '/api/v1/collections')).status).toBe(401);
    expect((await call(server.url, '/healthz')).status).toBe(200);
    const status = await call(server.url, '/api/v1/auth/status');
    expect(status.json).toEqual({
      userManagement: true,
      setupRequired: false,
      password: true,
      sso: false,
      landingUrl: '/about/',
    });
    const page = await call(server.url, '/');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('strict-transport-security')).toBeNull();
    const spoofed = await call(server.url, '/', { headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
  });

  it('signs in with an httpOnly SameSite=Lax cookie, checks CSRF, signs out', async () => {
    const jar = new CookieJar();
    const login = await call(server.url, '/api/v1/auth/login', {
      body: { email: adminEmail, password: adminPassword },
      jar,
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((line) => line.startsWith('lore_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);
    expect(login.json.user.email).toBe(adminEmail);
    const csrf = login.json.csrfToken as string;

    const me = await call(server.url, '/api/v1/auth/me', { jar });
    expect(me.json).toMatchObject({ userManagement: true, via: 'session', role: 'admin', csrfToken: csrf });

    const body = { name: 'csrf probe', scopes: ['read'] };
    const noToken = await call(server.url, '/api/v1/api-keys', { body, jar });
    expect(noToken.status).toBe(403);
    expect(noToken.json.error.message).toMatch(/X-CSRF-Token/);
    expect((await call(server.url, '/api/v1/api-keys', { body, jar, csrf: 'wrong' })).status).toBe(403);
    expect((await call(server.url, '/api/v1/api-keys', { body, jar, csrf })).status).toBe(201);

    const stolen = jar.header();
    expect((await call(server.url, '/api/v1/auth/logout', { method: 'POST', jar, csrf })).status).toBe(204);
    expect(jar.cookies.has('lore_session')).toBe(false);
    expect((await call(server.url, '/api/v1/auth/me', { jar })).status).toBe(401);
    // The old cookie value no longer works: the session was deleted server-side.
    expect((await call(server.url, '/api/v1/auth/me', { headers: { cookie: stolen } })).status).toBe(401);
  });

  it('throttles repeated failed sign-ins with 429 and Retry-After', async () => {
    const body = { email: 'victim@example.com', password: 'not the password' };
    for (let i = 0; i < 5; i++)
      expect((await call(server.url, '/api/v1/auth/login', { body })).status).toBe(401);
    const blocked = await call(server.url, '/api/v1/auth/login', { body });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.json.error.code).toBe('rate_limited');
  });

  it('answers malformed requests with 400, never 500', async () => {
    const admin = await signIn(server.url, adminEmail, adminPassword);
    const cases: [string, string, unknown][] = [
      ['POST', '/api/v1/auth/login', '{not json'],
      ['POST', '/api/v1/auth/login', { email: 42, password: [] }],
      ['POST', '/api/v1/auth/login', { email: 'not-an-email', password: 'x' }],
      ['POST', '/api/v1/auth/setup', { setupToken: 5 }],
      ['POST', '/api/v1/users', { email: 'x@example.com', role: 'king' }],
      ['POST', '/api/v1/users', '[]'],
      ['PATCH', '/api/v1/users/someone', { disabled: 'yes' }],
      ['POST', '/api/v1/users', { email: 'weak@example.com', password: 'short' }],
      ['POST', '/api/v1/groups', { name: '' }],
      ['PUT', '/api/v1/groups/nope/members', { userIds: 'all' }],
      ['POST', '/api/v1/api-keys', { name: 'k', scopes: ['root'] }],
      ['POST', '/api/v1/api-keys', { name: 'k', expiresAt: 'tomorrow' }],
      ['POST', '/api/v1/api-keys', { name: 'k', scopes: ['read'], expiresAt: '2001-01-01T00:00:00Z' }],
      ['PUT', '/api/v1/collections/x/grants', { grants: [{ granteeType: 'robot' }] }],
      ['DELETE', '/api/v1/collections/x/grants', undefined],
      ['GET', '/api/v1/audit?limit=-3', undefined],
      ['POST', '/api/v1/auth/me/password', { newPassword: 12 }],
    ];
    for (const [method, path, body] of cases) {
      const result = await call(server.url, path, { method, body, jar: admin.jar, csrf: admin.csrf });
      expect({ method, path, status: result.status, code: result.json?.error?.code }).toEqual({
        method,
        path,
        status: 400,
        code: 'invalid_request',
      });
    }
  });

  it('scopes API keys and never lets a key exceed its user', async () => {
    const admin = await signIn(server.url, adminEmail, adminPassword);
    const created = await call(server.url, '/api/v1/users', {
      body: { email: 'member@example.com', password: 'member passphrase 1' },
      jar: admin.jar,
      csrf: admin.csrf,
    });
    expect(created.status).toBe(201);
    expect(created.json.role).toBe('member');
    const member = await signIn(server.url, 'member@example.com', 'member passphrase 1');
    const key = (scopes: string[], who = member) =>
      call(server.url, '/api/v1/api-keys', {
        body: { name: scopes.join('+'), scopes },
        jar: who.jar,
        csrf: who.csrf,
      });

    expect((await key(['admin'])).status).toBe(403);
    const readKey = await key(['read']);
    expect(readKey.status).toBe(201);
    const secret = readKey.json.secret as string;
    expect(secret).toMatch(/^lore_[A-Za-z0-9_-]{43}$/);
    expect(readKey.json.key.prefix).toBe(secret.slice(0, 13));
    expect(JSON.stringify(await call(server.url, '/api/v1/api-keys', { jar: member.jar }))).not.toContain(
      secret,
    );

    expect((await call(server.url, '/api/v1/search?q=anything', { bearer: secret })).status).toBe(200);
    expect((await call(server.url, '/api/v1/auth/me', { bearer: secret })).json).toMatchObject({
      via: 'api-key',
      scopes: ['read'],
    });
    // No CSRF needed with a bearer credential, but the read scope cannot write.
    const write = await call(server.url, '/api/v1/collections', {
      body: { name: 'from-read-key' },
      bearer: secret,
    });
    expect(write.status).toBe(403);
    expect(
      (await call(server.url, '/api/v1/api-keys', { body: { name: 'x', scopes: ['read'] }, bearer: secret }))
        .status,
    ).toBe(403);
    expect((await call(server.url, '/api/v1/users', { bearer: secret })).status).toBe(403);
    const listed = await call(server.url, '/api/v1/api-keys', { jar: member.jar });
    expect(
      listed.json.keys.find((k: { id: string }) => k.id === readKey.json.key.id).lastUsedAt,
    ).toBeDefined();

    const adminKey = await key(['read', 'write', 'admin'], admin);
    expect((await call(server.url, '/api/v1/users', { bearer: adminKey.json.secret })).status).toBe(200);
    expect(
      (await call(server.url, '/api/v1/api-keys?all=true', { bearer: adminKey.json.secret })).json.keys
        .length,
    ).toBeGreaterThan(1);
    expect((await call(server.url, '/api/v1/api-keys?all=true', { jar: member.jar })).status).toBe(403);

    // A member cannot revoke someone else's key (it is not found for them); the owner can.
    expect(
      (
        await call(server.url, `/api/v1/api-keys/${adminKey.json.key.id}`, {
          method: 'DELETE',
          jar: member.jar,
          csrf: member.csrf,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call(server.url, `/api/v1/api-keys/${readKey.json.key.id}`, {
          method: 'DELETE',
          jar: member.jar,
          csrf: member.csrf,
        })
      ).status,
    ).toBe(204);
    expect((await call(server.url, '/api/v1/search?q=anything', { bearer: secret })).status).toBe(401);
    expect((await call(server.url, '/api/v1/search?q=anything', { bearer: 'lore_forged' })).status).toBe(401);

    // Disabling the user ends their sessions and keys at once.
    const memberKey = await key(['read']);
    await call(server.url, `/api/v1/users/${member.userId}`, {
      method: 'PATCH',
      body: { disabled: true },
      jar: admin.jar,
      csrf: admin.csrf,
    });
    expect((await call(server.url, '/api/v1/auth/me', { jar: member.jar })).status).toBe(401);
    expect((await call(server.url, '/api/v1/auth/me', { bearer: memberKey.json.secret })).status).toBe(401);
  });

  it('keeps at least one active administrator', async () => {
    const admin = await signIn(server.url, adminEmail, adminPassword);
    const demote = await call(server.url, `/api/v1/users/${admin.userId}`, {
      method: 'PATCH',
      body: { role: 'member' },
      jar: admin.jar,
      csrf: admin.csrf,
    });
    expect(demote.status).toBe(409);
    expect(
      (
        await call(server.url, `/api/v1/users/${admin.userId}`, {
          method: 'DELETE',
          jar: admin.jar,
          csrf: admin.csrf,
        })
      ).status,
    ).toBe(409);
  });

  it('accepts HS256 JWTs for the configured issuer and audience and provisions members', async () => {
    const key = new TextEncoder().encode(jwtSecret);
    const sign = (
      claims: Record<string, unknown>,
      options: { issuer?: string; audience?: string; expires?: string; secret?: Uint8Array } = {},
    ) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(options.issuer ?? jwtIssuer)
        .setAudience(options.audience ?? 'lore')
        .setSubject(String(claims.sub ?? 'subject-1'))
        .setIssuedAt()
        .setExpirationTime(options.expires ?? '5m')
        .sign(options.secret ?? key);

    const token = await sign({ sub: 'jwt-user-1', email: 'jwt.user@example.com' });
    const me = await call(server.url, '/api/v1/auth/me', { bearer: token });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ via: 'jwt', role: 'member', user: { email: 'jwt.user@example.com' } });
    // Same subject again: the same user, not a new one.
    const again = await call(server.url, '/api/v1/auth/me', {
      bearer: await sign({ sub: 'jwt-user-1', email: 'jwt.user@example.com' }),
    });
    expect(again.json.user.id).toBe(me.json.user.id);
    // A JWT needs no CSRF token for writes.
    expect(
      (await call(server.url, '/api/v1/collections', { body: { name: 'jwt-made' }, bearer: token })).status,
    ).toBe(201);

    const adminToken = await sign({
      sub: 'jwt-admin',
      email: 'jwt.admin@example.com',
      roles: ['lore-admin'],
    });
    expect((await call(server.url, '/api/v1/auth/me', { bearer: adminToken })).json.role).toBe('admin');

    const rejected = [
      await sign({ sub: 'x', email: 'x@example.com' }, { audience: 'other' }),
      await sign({ sub: 'x', email: 'x@example.com' }, { issuer: 'https://evil.example.com' }),
      await sign(
        { sub: 'x', email: 'x@example.com' },
        { secret: new TextEncoder().encode('another-secret-that-is-32-bytes-long!!') },
      ),
      await sign({ sub: 'x', email: 'x@example.com' }, { expires: '-10m' }),
      'not.a.jwt',
    ];
    for (const bad of rejected) {
      const result = await call(server.url, '/api/v1/auth/me', { bearer: bad });
      expect(result.status).toBe(401);
      expect(result.text).not.toContain(bad);
    }
    // An existing local account is linked only through a verified email.
    const unverified = await call(server.url, '/api/v1/auth/me', {
      bearer: await sign({ sub: 'takeover', email: adminEmail }),
    });
    expect(unverified.status).toBe(403);
  });

  it('records sign-ins, sign-outs, accounts and keys in the audit log (admins only)', async () => {
    const admin = await signIn(server.url, adminEmail, adminPassword);
    const audit = await call(server.url, '/api/v1/audit?limit=500', { jar: admin.jar });
    expect(audit.status).toBe(200);
    const actions = new Set(audit.json.entries.map((entry: { action: string }) => entry.action));
    for (const action of [
      'user.create',
      'sign-in.success',
      'sign-in.failure',
      'sign-in.throttled',
      'sign-out',
      'api-key.create',
      'api-key.revoke',
      'user.update',
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(JSON.stringify(audit.json)).not.toContain(adminPassword);
    const page = await call(server.url, '/api/v1/audit?limit=2', { jar: admin.jar });
    expect(page.json.entries).toHaveLength(2);
    const next = await call(server.url, `/api/v1/audit?limit=2&before=${page.json.nextBefore}`, {
      jar: admin.jar,
    });
    expect(next.json.entries[0].id).toBeLessThan(page.json.entries[1].id + 1);
    const jwtMember = await new SignJWT({ email: 'jwt.user@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(jwtIssuer)
      .setAudience('lore')
      .setSubject('jwt-user-1')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(jwtSecret));
    expect((await call(server.url, '/api/v1/audit', { bearer: jwtMember })).status).toBe(403);
  });
});

describe('first-run set-up and start-up rules', () => {
  it('prints a one-time set-up token and lets it create the first admin once', async () => {
    const server = await startLoreServer({ LORE_USER_MANAGEMENT: 'on' });
    try {
      const token = /set-up token:\n\s+(\S+)/.exec(server.stdout())?.[1];
      expect(token).toBeDefined();
      expect((await call(server.url, '/api/v1/auth/status')).json.setupRequired).toBe(true);
      const body = { email: 'first@example.com', password: 'first passphrase 99', setupToken: 'wrong' };
      expect((await call(server.url, '/api/v1/auth/setup', { body })).status).toBe(403);
      const jar = new CookieJar();
      const done = await call(server.url, '/api/v1/auth/setup', {
        body: { ...body, setupToken: token },
        jar,
      });
      expect(done.status).toBe(201);
      expect(done.json.user.role).toBe('admin');
      expect((await call(server.url, '/api/v1/auth/me', { jar })).json.role).toBe('admin');
      expect(
        (await call(server.url, '/api/v1/auth/setup', { body: { ...body, setupToken: token } })).status,
      ).toBe(409);
      expect(server.stdout()).not.toContain(body.password);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('refuses a non-loopback address without user management unless explicitly allowed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lore-refuse-'));
    try {
      const refused = await runCli(['serve'], {
        LORE_DATA_DIR: dataDir,
        LORE_HOST: '0.0.0.0',
        LORE_USER_MANAGEMENT: 'off',
        LORE_PORT: '0',
      });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/LORE_ALLOW_UNAUTHENTICATED/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    const allowed = await startLoreServer({
      LORE_HOST: '0.0.0.0',
      LORE_USER_MANAGEMENT: 'off',
      LORE_ALLOW_UNAUTHENTICATED: 'true',
    });
    try {
      expect(allowed.stdout() + allowed.stderr()).toMatch(/user management is off on a non-loopback address/);
      expect((await call(allowed.url, '/api/v1/auth/me')).json).toMatchObject({
        userManagement: false,
        via: 'local',
        role: 'admin',
      });
    } finally {
      await allowed.stop();
    }
  }, 60_000);

  it('limits requests per key and per anonymous address with 429 and Retry-After; CORS only for listed origins', async () => {
    const server = await startLoreServer({
      LORE_USER_MANAGEMENT: 'on',
      LORE_ADMIN_EMAIL: adminEmail,
      LORE_ADMIN_PASSWORD: adminPassword,
      LORE_RATE_LIMIT_PER_MINUTE: '5',
      LORE_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '3',
      LORE_CORS_ORIGINS: 'https://app.example.com',
    });
    try {
      const admin = await signIn(server.url, adminEmail, adminPassword);
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 8; i++) {
        const result = await call(server.url, '/api/v1/auth/me', { jar: admin.jar });
        statuses.push(result.status);
        if (result.status === 429) limited ??= result;
      }
      expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(5);
      expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
      const anonymous: number[] = [];
      for (let i = 0; i < 5; i++) anonymous.push((await call(server.url, '/api/v1/auth/status')).status);
      expect(anonymous).toContain(429);
      expect((await call(server.url, '/healthz')).status).toBe(200);

      const preflight = (origin: string) =>
        fetch(`${server.url}/api/v1/search`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'x-csrf-token',
          },
        });
      const allowed = await preflight('https://app.example.com');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      const other = await preflight('https://evil.example.com');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.stop();
    }
  }, 60_000);
});
