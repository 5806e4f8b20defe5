import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken, sha256 } from '../../src/core/identity/secret-token.js';
import { createRoutes } from '../../src/server/app.routes.js';
import { snapshot } from '../fixtures/access-snapshot.js';
import { createWorld, jwtIssuer, jwtSecret, type Principal, type World } from '../fixtures/access-world.js';
import { createTestApp } from '../fixtures/test-app.js';

/*
 * Credentials that must not work: forged, expired, tampered and confused JWTs (HS256 secret and a
 * JWKS), revoked and expired API keys, malformed Authorization headers, expired / tampered / fixated
 * session cookies, and CSRF on every state-changing cookie-authenticated operation (enumerated from
 * the OpenAPI document). Each refusal is checked to be a 401/403 that echoes nothing and changes nothing.
 */

const anonymous: Principal = { id: 'raw', valid: false, scopes: [], via: 'none' };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hsKey = new TextEncoder().encode(jwtSecret);
const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;

describe('sessions, tokens and CSRF', () => {
  let world: World;
  const bearer = (token: string) =>
    world.request(anonymous, 'GET', '/api/v1/auth/me', { headers: { authorization: token } });
  const withCookie = (
    cookie: string,
    method = 'GET',
    path = '/api/v1/auth/me',
    headers: Record<string, string> = {},
  ) => world.request(anonymous, method, path, { headers: { cookie: `lore_session=${cookie}`, ...headers } });

  beforeAll(async () => {
    world = await createWorld('sqlite');
  }, 120_000);
  afterAll(async () => {
    await world?.dispose();
  });

  const hs = (claims: Record<string, unknown>, configure: (jwt: SignJWT) => SignJWT = (jwt) => jwt) =>
    configure(
      new SignJWT({ email: world.users.rita.email, email_verified: true, ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(jwtIssuer)
        .setAudience('lore')
        .setSubject('rita-at-the-idp')
        .setIssuedAt()
        .setExpirationTime('5m'),
    ).sign(hsKey);

  it('accepts a well-formed HS256 JWT (the control) and refuses every forged or stale one without creating accounts', async () => {
    const good = await hs({});
    expect((await bearer(`Bearer ${good}`)).json.user.id).toBe(world.users.rita.id);
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const rsa = await generateKeyPair('RS256');
    const bad: Record<string, string> = {
      expired: await hs({}, (jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 120)),
      'not yet valid': await hs({}, (jwt) => jwt.setNotBefore(Math.floor(Date.now() / 1000) + 600)),
      'wrong issuer': await hs({}, (jwt) => jwt.setIssuer('https://evil.example')),
      'wrong audience': await hs({}, (jwt) => jwt.setAudience('someone-else')),
      'no audience': await new SignJWT({ sub: 'x', email: 'x@matrix.test' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(jwtIssuer)
        .setExpirationTime('5m')
        .sign(hsKey),
      'no expiry': await new SignJWT({ email: 'noexp@matrix.test' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(jwtIssuer)
        .setAudience('lore')
        .setSubject('noexp')
        .sign(hsKey),
      'tampered payload (admin role, new subject)': `${header}.${b64({ ...claims, sub: 'mallory', email: 'mallory@matrix.test', roles: ['lore-admin'] })}.${signature}`,
      'tampered signature': `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
      'signature removed': `${header}.${payload}.`,
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: inFiveMinutes() })}.`,
      'alg None with a signature': `${b64({ alg: 'None' })}.${payload}.${signature}`,
      'RS256 where HS256 is configured': await new SignJWT({ email: world.users.rita.email })
        .setProtectedHeader({ alg: 'RS256' })
        .setIssuer(jwtIssuer)
        .setAudience('lore')
        .setSubject('rita-at-the-idp')
        .setExpirationTime('5m')
        .sign(rsa.privateKey),
      'signed with another secret': await new SignJWT({ email: world.users.rita.email })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(jwtIssuer)
        .setAudience('lore')
        .setSubject('rita-at-the-idp')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(`${jwtSecret}-but-not-quite`)),
    };
    const before = await snapshot(world);
    for (const [what, token] of Object.entries(bad)) {
      const reply = await bearer(`Bearer ${token}`);
      expect({ what, status: reply.status, code: reply.json?.error?.code }).toEqual({
        what,
        status: 401,
        code: 'unauthenticated',
      });
      expect(reply.text, what).not.toContain(token.split('.')[1] || token);
    }
    expect(await snapshot(world), 'no account was created or changed').toEqual(before);
  });

  it('refuses revoked, expired and malformed API keys and Authorization headers, without falling back to the cookie', async () => {
    const owner = world.principals.find((p) => p.id === 'owner-session')!;
    const keyWrite = world.principals.find((p) => p.id === 'owner-key-write')!.secret!;
    const revoked = world.principals.find((p) => p.id === 'key-revoked')!.secret!;
    const expired = world.principals.find((p) => p.id === 'expired-key')!.secret!;
    expect((await bearer(`Bearer ${keyWrite}`)).status, 'the control').toBe(200);
    expect((await bearer(`bearer   ${keyWrite}  `)).status, 'scheme case and spaces').toBe(200);
    const headers = [
      `Bearer ${revoked}`,
      `Bearer ${expired}`,
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      `Token ${keyWrite}`,
      `Bearer ${keyWrite} ${keyWrite}`,
      `Bearer ${keyWrite}x`,
      `Bearer ${keyWrite.slice(0, -1)}`,
      `Bearer ${keyWrite.slice(0, 13)}`,
      'Bearer lore_',
      `Bearer lore_${'A'.repeat(400)}`,
      `Bearer ${keyWrite.toUpperCase()}`,
      'Bearer %00%ff',
      'Bearer a.b.c',
      `Bearer ${'x'.repeat(8000)}`,
      `${keyWrite}`,
    ];
    for (const header of headers) {
      const reply = await world.request(anonymous, 'GET', '/api/v1/collections', {
        headers: { authorization: header, cookie: `lore_session=${owner.secret}` },
      });
      expect({ header: header.slice(0, 40), status: reply.status }).toEqual({
        header: header.slice(0, 40),
        status: 401,
      });
      expect(reply.text).not.toContain(world.collections.shared.name);
    }
    const key = (await world.app.identity.listApiKeys(world.users.olivia.id)).find(
      (k) => k.name === 'key-revoked',
    );
    expect(key, 'the revoked key is gone from the list').toBeUndefined();
  });

  it('refuses expired and tampered session cookies and deletes expired sessions', async () => {
    const owner = world.principals.find((p) => p.id === 'owner-session')!;
    expect((await withCookie(owner.secret!)).status, 'the control').toBe(200);
    const token = randomToken(32);
    await world.app.identity.createSession({
      tokenHash: sha256(token),
      userId: world.users.olivia.id,
      csrfToken: randomToken(32),
      createdAt: new Date(Date.now() - 7_200_000).toISOString(),
      expiresAt: new Date(Date.now() - 1_000).toISOString(),
    });
    const expired = await withCookie(token);
    expect(expired.status).toBe(401);
    expect(expired.headers.getSetCookie().join(), 'the stale cookie is cleared').toMatch(/lore_session=;/);
    expect(await world.app.identity.getSession(sha256(token)), 'and its row deleted').toBeUndefined();
    const secret = owner.secret!;
    const flipped = `${secret.slice(0, 10)}${secret[10] === 'A' ? 'B' : 'A'}${secret.slice(11)}`;
    for (const cookie of [
      flipped,
      secret.slice(0, -1),
      `${secret}A`,
      secret.toUpperCase(),
      'short',
      'x'.repeat(300),
      sha256(secret),
    ]) {
      expect((await withCookie(cookie)).status, cookie.slice(0, 20)).toBe(401);
    }
  });

  it('never promotes a session id chosen before sign-in (fixation), and a password change ends other sessions', async () => {
    const rita = world.users.rita;
    const login = (cookie: string) =>
      world.request(anonymous, 'POST', '/api/v1/auth/login', {
        json: { email: rita.email, password: rita.password },
        headers: { cookie: `lore_session=${cookie}` },
      });
    // An attacker-chosen value planted in the victim's browser.
    const planted = randomToken(32);
    const signedIn = await login(planted);
    expect(signedIn.status).toBe(200);
    const issued = /lore_session=([^;]+)/.exec(signedIn.headers.getSetCookie().join())?.[1];
    expect(issued).toBeDefined();
    expect(issued).not.toBe(planted);
    expect((await withCookie(planted)).status, 'the planted value does not authenticate').toBe(401);
    // The attacker's own valid session planted: the victim's sign-in gets a new one; the planted one stays the attacker's.
    const oscar = world.principals.find((p) => p.id === 'outsider-session')!;
    const second = await login(oscar.secret!);
    const fresh = /lore_session=([^;]+)/.exec(second.headers.getSetCookie().join())?.[1];
    expect(fresh).not.toBe(oscar.secret);
    expect((await withCookie(oscar.secret!)).json.user.id).toBe(world.users.oscar.id);
    expect((await withCookie(fresh!)).json.user.id).toBe(rita.id);
    // Changing the password ends the other sessions of the account.
    const csrf = signedIn.json.csrfToken as string;
    const changed = await world.request(anonymous, 'POST', '/api/v1/auth/me/password', {
      json: { currentPassword: rita.password, newPassword: rita.password },
      headers: { cookie: `lore_session=${issued}`, 'x-csrf-token': csrf },
    });
    expect(changed.status).toBe(200);
    expect((await withCookie(fresh!)).status).toBe(401);
    const reader = world.principals.find((p) => p.id === 'reader-session')!;
    await world.renewSession(reader);
  });

  it('requires the CSRF token and a same-origin page on every state-changing cookie request (from the OpenAPI document)', async () => {
    const admin = world.principals.find((p) => p.id === 'admin-session')!;
    const other = world.principals.find((p) => p.id === 'owner-session')!;
    const document = (await world.request(anonymous, 'GET', '/api/v1/openapi.json')).json as {
      paths: Record<string, Record<string, unknown>>;
    };
    const ids: Record<string, string> = { id: world.collections['admin-own'].id };
    const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .map((method) => method.toUpperCase())
        .filter((method) => !['GET', 'HEAD', 'OPTIONS'].includes(method))
        .map((method) => ({
          method,
          path: path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'x'),
        })),
    );
    routes.push({ method: 'POST', path: '/v1/chat/completions' }, { method: 'POST', path: '/mcp' });
    expect(routes.length).toBeGreaterThan(30);
    const signInForms = new Set(['/api/v1/auth/login', '/api/v1/auth/setup']);
    const attempts: { label: string; headers: Record<string, string> }[] = [
      { label: 'no token', headers: {} },
      { label: 'wrong token', headers: { 'x-csrf-token': 'not-the-token' } },
      { label: 'another session’s token', headers: { 'x-csrf-token': other.csrf! } },
      {
        label: 'cross-origin page',
        headers: {
          'x-csrf-token': admin.csrf!,
          origin: 'https://evil.example',
          'sec-fetch-site': 'cross-site',
        },
      },
      { label: 'sandboxed frame', headers: { 'x-csrf-token': admin.csrf!, origin: 'null' } },
    ];
    const before = await snapshot(world);
    let requests = 0;
    for (const route of routes) {
      for (const attempt of attempts) {
        // The sign-in forms act for no session: only a cross-origin page is refused there.
        if (signInForms.has(route.path) && !attempt.headers.origin) continue;
        const reply = await world.request(anonymous, route.method, route.path, {
          json: {},
          headers: { cookie: `lore_session=${admin.secret}`, ...attempt.headers },
        });
        requests += 1;
        const label = `${route.method} ${route.path} with ${attempt.label}`;
        expect(reply.status, `${label}: ${reply.text.slice(0, 200)}`).toBe(403);
        expect(reply.text, label).toMatch(attempt.headers.origin ? /cross-origin/ : /X-CSRF-Token/);
      }
    }
    expect(await snapshot(world), 'nothing changed').toEqual(before);
    // The control: the same session, its token, same origin.
    const control = await world.request(admin, 'POST', '/api/v1/collections', {
      json: { name: `csrf-control-${Date.now()}` },
      headers: { origin: 'http://lore.test', 'sec-fetch-site': 'same-origin' },
    });
    expect(control.status).toBe(201);
    await world.app.store.deleteCollection(control.json.id);
    process.stdout.write(`CSRF: ${routes.length} state-changing routes, ${requests} refused requests\n`);
  });

  it('refuses a cross-site sign-in form (login CSRF) and a JSON body sent as text/plain (415, not 500)', async () => {
    const rita = world.users.rita;
    const body = JSON.stringify({ email: rita.email, password: rita.password });
    const crossSite = await world.request(anonymous, 'POST', '/api/v1/auth/login', {
      json: body,
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
    });
    expect(crossSite.status).toBe(403);
    const plain = await world.request(anonymous, 'POST', '/api/v1/auth/login', {
      json: body,
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.status).toBe(415);
    expect(plain.json.error.message).toMatch(/application\/json/);
    for (const reply of [crossSite, plain])
      expect(reply.headers.getSetCookie().join()).not.toMatch(/lore_session=[^;]/);
  });
});

describe('bearer JWTs against a JWKS: key confusion and unknown keys', () => {
  let jwks: Server;
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let fetchRoute: (request: Request) => Response | Promise<Response>;
  let signer: Awaited<ReturnType<typeof generateKeyPair>>;
  const issuer = 'https://idp.jwks.test';

  beforeAll(async () => {
    signer = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(signer.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const port = (jwks.address() as AddressInfo).port;
    app = await createTestApp({
      userManagement: 'on',
      jwtIssuer: issuer,
      jwtAudience: 'lore',
      jwtJwksUrl: `http://127.0.0.1:${port}/jwks`,
    });
    fetchRoute = createRoutes(app).fetch;
  });
  afterAll(async () => {
    await app?.dispose();
    jwks?.close();
  });

  const me = async (token: string) =>
    fetchRoute(
      new Request('http://lore.test/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } }),
    );
  const rs = (key: CryptoKey, header: Record<string, unknown> = { alg: 'RS256', kid: 'rsa-1' }) =>
    new SignJWT({ email: 'jwks.user@matrix.test' })
      .setProtectedHeader(header as { alg: string })
      .setIssuer(issuer)
      .setAudience('lore')
      .setSubject('jwks-user')
      .setExpirationTime('5m')
      .sign(key);

  it('accepts a key of the set and refuses unknown kids, HS256 made with the public key, alg none and embedded keys', async () => {
    expect((await me(await rs(signer.privateKey))).status, 'the control').toBe(200);
    const stranger = await generateKeyPair('RS256');
    const pem = await exportSPKI(signer.publicKey);
    const publicJwk = await exportJWK(signer.publicKey);
    const good = await rs(signer.privateKey);
    const [, payload, signature] = good.split('.') as [string, string, string];
    const bad: Record<string, string> = {
      'kid not in the set': await rs(stranger.privateKey, { alg: 'RS256', kid: 'rsa-unknown' }),
      'right kid, wrong key': await rs(stranger.privateKey),
      'HS256 keyed with the public PEM': await new SignJWT({ email: 'x@matrix.test' })
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
        .setIssuer(issuer)
        .setAudience('lore')
        .setSubject('jwks-user')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(pem)),
      'HS256 keyed with the public JWK': await new SignJWT({ email: 'x@matrix.test' })
        .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
        .setIssuer(issuer)
        .setAudience('lore')
        .setSubject('jwks-user')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(JSON.stringify(publicJwk))),
      'alg none': `${b64({ alg: 'none', kid: 'rsa-1' })}.${payload}.`,
      'alg swapped to RS512': `${b64({ alg: 'RS512', kid: 'rsa-1' })}.${payload}.${signature}`,
      'embedded attacker jwk': await rs(stranger.privateKey, {
        alg: 'RS256',
        jwk: await exportJWK(stranger.publicKey),
      }),
    };
    const users = (await app.identity.listUsers()).length;
    for (const [what, token] of Object.entries(bad)) {
      const reply = await me(token);
      expect({ what, status: reply.status }).toEqual({ what, status: 401 });
    }
    expect((await app.identity.listUsers()).length, 'no account was provisioned').toBe(users);
  });
});
