import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn } from '../fixtures/http-client.js';
import { CookieJar, freePort, type LoreServer, startLoreServer } from '../fixtures/lore-server.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const adminEmail = 'admin@example.com';
const adminPassword = 'first admin passphrase 7';

describe('bearer JWTs verified against a JWKS served by a local server', () => {
  let jwks: Server;
  let server: LoreServer;
  let signer: Awaited<ReturnType<typeof generateKeyPair>>;
  const issuer = 'https://idp.example.com/realms/lore';

  beforeAll(async () => {
    signer = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(signer.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
    const port = await freePort();
    jwks = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/jwks' ? { keys: [jwk] } : {}));
    }).listen(port, '127.0.0.1');
    server = await startLoreServer({
      LORE_USER_MANAGEMENT: 'on',
      LORE_JWT_ISSUER: issuer,
      LORE_JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks`,
      LORE_IDP_ROLES_CLAIM: 'realm_access.roles',
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    jwks?.close();
  });

  const sign = (key: CryptoKey, claims: Record<string, unknown>, kid = 'key-1') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(issuer)
      .setSubject(String(claims.sub))
      .setExpirationTime('5m')
      .sign(key);

  it('accepts tokens signed by a key of the set, maps roles from a nested claim, rejects others', async () => {
    const token = await sign(signer.privateKey, {
      sub: 'kc-1',
      email: 'kc.admin@example.com',
      realm_access: { roles: ['lore-admin'] },
    });
    const me = await call(server.url, '/api/v1/auth/me', { bearer: token });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ via: 'jwt', role: 'admin', user: { email: 'kc.admin@example.com' } });

    const stranger = await generateKeyPair('ES256');
    expect(
      (
        await call(server.url, '/api/v1/auth/me', {
          bearer: await sign(stranger.privateKey, { sub: 'x', email: 'x@example.com' }),
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await call(server.url, '/api/v1/auth/me', {
          bearer: await sign(stranger.privateKey, { sub: 'x' }, 'unknown-kid'),
        })
      ).status,
    ).toBe(401);
    // Algorithm confusion: an HS256 token "signed" with public material is refused.
    const confused = await new SignJWT({ sub: 'kc-1', email: 'kc.admin@example.com' })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setIssuer(issuer)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(await exportJWK(signer.publicKey))));
    expect((await call(server.url, '/api/v1/auth/me', { bearer: confused })).status).toBe(401);
    // No email claim: no account can be provisioned.
    expect(
      (
        await call(server.url, '/api/v1/auth/me', {
          bearer: await sign(signer.privateKey, { sub: 'anonymous' }),
        })
      ).status,
    ).toBe(403);
  });
});

describe('OIDC sign-in against a local oidc-provider process', () => {
  let idp: ChildProcess;
  let server: LoreServer;
  let issuer: string;

  beforeAll(async () => {
    const [lorePort, idpPort] = [await freePort(), await freePort()];
    const redirect = `http://127.0.0.1:${lorePort}/api/v1/auth/oidc/callback`;
    idp = spawn(process.execPath, [join(fixtures, 'oidc-provider.mjs'), String(idpPort), redirect], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', OIDC_ACCOUNT: 'oidc-alice' },
    });
    issuer = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`oidc-provider did not start:\n${output}`)), 20_000);
      idp.stderr?.on('data', (data: Buffer) => {
        output += data.toString();
      });
      idp.stdout?.on('data', (data: Buffer) => {
        output += data.toString();
        const match = /listening (\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    server = await startLoreServer(
      {
        LORE_USER_MANAGEMENT: 'on',
        LORE_ADMIN_EMAIL: adminEmail,
        LORE_ADMIN_PASSWORD: adminPassword,
        LORE_OIDC_ISSUER: issuer,
        LORE_OIDC_CLIENT_ID: 'lore-test',
        LORE_OIDC_CLIENT_SECRET: 'lore-test-secret',
        LORE_OIDC_REDIRECT_URL: redirect,
      },
      { port: lorePort },
    );
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    idp?.kill('SIGTERM');
  });

  /** Follows redirects from `start` through the provider until Lore's callback has answered. */
  async function codeFlow(
    jar: CookieJar,
    tamper?: (url: URL) => void,
  ): Promise<{ location: string; steps: URL[] }> {
    const steps: URL[] = [];
    let url = new URL(`${server.url}/api/v1/auth/oidc/start`);
    for (let hop = 0; hop < 12; hop++) {
      if (url.pathname === '/api/v1/auth/oidc/callback') tamper?.(url);
      steps.push(url);
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
      jar.store(response);
      await response.arrayBuffer();
      const location = response.headers.get('location');
      if (!location || response.status < 300 || response.status >= 400) {
        throw new Error(`the flow stopped at ${url.href} with ${response.status}`);
      }
      if (url.pathname === '/api/v1/auth/oidc/callback') return { location, steps };
      url = new URL(location, url);
    }
    throw new Error('too many redirects');
  }

  it('runs the authorization code flow with PKCE, state and nonce and ends in a session', async () => {
    expect((await call(server.url, '/api/v1/auth/status')).json.sso).toBe(true);
    const jar = new CookieJar();
    const { location, steps } = await codeFlow(jar);
    expect(location).toBe('/');
    const authorize = steps.find(
      (step) => step.href.startsWith(issuer) && step.searchParams.has('code_challenge'),
    );
    expect(authorize?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize?.searchParams.get('state')).toBeTruthy();
    expect(authorize?.searchParams.get('nonce')).toBeTruthy();
    expect(jar.cookies.has('lore_session')).toBe(true);
    const me = await call(server.url, '/api/v1/auth/me', { jar });
    expect(me.json).toMatchObject({
      via: 'session',
      role: 'member',
      user: { email: 'oidc-alice@example.com' },
    });

    // A second sign-in finds the same user through the (issuer, subject) link.
    const second = new CookieJar();
    await codeFlow(second);
    expect((await call(server.url, '/api/v1/auth/me', { jar: second })).json.user.id).toBe(me.json.user.id);

    const admin = await signIn(server.url, adminEmail, adminPassword);
    const audit = await call(server.url, '/api/v1/audit?action=sign-in.success', { jar: admin.jar });
    expect(
      audit.json.entries.some((entry: { details: { method: string } }) => entry.details.method === 'oidc'),
    ).toBe(true);
  });

  it('refuses a callback whose state does not match', async () => {
    const jar = new CookieJar();
    const { location } = await codeFlow(jar, (url) => url.searchParams.set('state', 'forged'));
    expect(location).toMatch(/^\/\?login_error=/);
    expect(jar.cookies.has('lore_session')).toBe(false);
    const replay = await call(server.url, '/api/v1/auth/oidc/callback?code=abc&state=def');
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toMatch(/login_error/);
  });
  it('refuses a replayed callback (code, state and pending cookie reused) and a callback with another flow’s cookie', async () => {
    const jar = new CookieJar();
    let callback: URL | undefined;
    let pending: string | undefined;
    const { location } = await codeFlow(jar, (url) => {
      callback = new URL(url);
      pending = jar.cookies.get('lore_oidc');
    });
    expect(location).toBe('/');
    expect(pending).toBeDefined();
    const replayed = await fetch(callback!, {
      redirect: 'manual',
      headers: { cookie: `lore_oidc=${pending}` },
    });
    expect(replayed.status).toBe(302);
    expect(replayed.headers.get('location')).toMatch(/^\/\?login_error=/);
    expect(replayed.headers.getSetCookie().join()).not.toMatch(/lore_session=[^;]/);
    // A second sign-in started in this browser: its state and nonce do not match the first callback.
    const other = new CookieJar();
    const started = await fetch(`${server.url}/api/v1/auth/oidc/start`, { redirect: 'manual' });
    other.store(started);
    const crossed = await fetch(callback!, {
      redirect: 'manual',
      headers: { cookie: `lore_oidc=${other.cookies.get('lore_oidc')}` },
    });
    expect(crossed.headers.get('location')).toMatch(/^\/\?login_error=/);
    expect(crossed.headers.getSetCookie().join()).not.toMatch(/lore_session=[^;]/);
  });
});
