import * as oidc from 'openid-client';
import { LoreError } from '../../core/errors.js';
import { type ExternalClaims, roleFromClaims } from '../../core/identity/external-identity.service.js';

export interface OidcClientOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  redirectUrl: string;
  scopes: string;
  rolesClaim: string;
  adminRole: string;
}

/** What the browser keeps (in a short-lived httpOnly cookie) between start and callback. */
export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * OpenID Connect sign-in (authorization code + PKCE S256, state and nonce) against any provider found
 * by discovery. Discovery happens at first use and is retried after a failure.
 *
 * @example
 * const { url, pending } = await client.start();      // redirect the browser to url
 * const claims = await client.finish(callbackUrl, pending);
 */
export class OidcClient {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(private readonly options: OidcClientOptions) {}

  async start(): Promise<{ url: URL; pending: OidcPending }> {
    const config = await this.config();
    const pending: OidcPending = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUrl,
      scope: this.options.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /** Exchanges the code; `search` is the callback's query string. Throws `unauthenticated` on any mismatch. */
  async finish(search: string, pending: OidcPending): Promise<ExternalClaims> {
    const config = await this.config();
    const callback = new URL(this.options.redirectUrl);
    callback.search = search;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new LoreError('unauthenticated', 'the provider returned no ID token');
      let claims: Record<string, unknown> = { ...idClaims };
      if (typeof claims.email !== 'string' && config.serverMetadata().userinfo_endpoint) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...info, ...claims };
      }
      const role = roleFromClaims(claims, this.options.rolesClaim, this.options.adminRole);
      return {
        issuer: String(idClaims.iss),
        subject: idClaims.sub,
        ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
        ...(claims.email_verified === true ? { emailVerified: true } : {}),
        ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
        ...(role ? { role } : {}),
      };
    } catch (error) {
      if (LoreError.is(error)) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new LoreError('unauthenticated', `SSO sign-in failed: ${detail}`, { cause: error });
    }
  }

  private config(): Promise<oidc.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = undefined;
      throw new LoreError('provider_unavailable', `cannot reach the SSO provider ${this.options.issuer}`, {
        cause: error,
      });
    });
    return this.configuration;
  }

  private discover(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret } = this.options;
    const insecure = new URL(issuer).protocol === 'http:'; // config allows it only for loopback hosts
    return oidc.discovery(
      new URL(issuer),
      clientId,
      undefined,
      clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
      { timeout: 10, ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}) },
    );
  }
}
