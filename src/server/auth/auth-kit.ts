import type { Context } from 'hono';
import type { LoreApp } from '../../app/create-app.js';
import { userManagementEnabled } from '../../config/identity-config.schema.js';
import { AccountsService, type Actor } from '../../core/identity/accounts.service.js';
import { ApiKeyService } from '../../core/identity/api-keys.service.js';
import { ExternalIdentityService } from '../../core/identity/external-identity.service.js';
import { SessionService } from '../../core/identity/session.service.js';
import type { AppEnv } from '../http-env.js';
import { requestOrigin } from './client-address.js';
import { JwtVerifier } from './jwt.verifier.js';
import { OidcClient } from './oidc.client.js';

/** Everything the authentication middleware and the identity routes share. */
export interface AuthKit {
  /** User management on: callers must sign in. Off: everyone is the local user. */
  enabled: boolean;
  app: LoreApp;
  accounts: AccountsService;
  sessions: SessionService;
  apiKeys: ApiKeyService;
  external: ExternalIdentityService;
  jwt?: JwtVerifier;
  oidc?: OidcClient;
  /** One-time token that allows `POST /api/v1/auth/setup` while no user exists; cleared once used. */
  setup: { token?: string };
  sessionTtlMs: number;
  /** Client address and TLS of a request (honouring LORE_TRUST_PROXY). */
  origin(c: Context<AppEnv>): { ip: string; secure: boolean };
  /** The caller for the audit log. */
  actor(c: Context<AppEnv>): Actor;
}

/** Builds the identity services from the app's stores and config. */
export function createAuthKit(app: LoreApp, options: { setupToken?: string } = {}): AuthKit {
  const { config } = app;
  const sessionTtlMs = config.sessionTtlHours * 3_600_000;
  const accounts = new AccountsService(
    { identity: app.identity, audit: app.audit, loginAttempts: app.loginAttempts },
    { loginMaxFailures: config.loginMaxFailures },
  );
  const idp = { rolesClaim: config.idpRolesClaim, adminRole: config.idpAdminRole };
  const origin = (c: Context<AppEnv>) => requestOrigin(c, { trustProxy: config.trustProxy });
  return {
    enabled: userManagementEnabled(config),
    app,
    accounts,
    sessions: new SessionService(app.identity, { ttlMs: sessionTtlMs, sliding: config.sessionSliding }),
    apiKeys: new ApiKeyService(app.identity),
    external: new ExternalIdentityService({ identity: app.identity, accounts }),
    ...(config.jwtIssuer && (config.jwtSecret || config.jwtJwksUrl)
      ? {
          jwt: new JwtVerifier({
            issuer: config.jwtIssuer,
            ...(config.jwtAudience ? { audience: config.jwtAudience } : {}),
            ...(config.jwtSecret ? { secret: config.jwtSecret } : {}),
            ...(config.jwtJwksUrl ? { jwksUrl: config.jwtJwksUrl } : {}),
            ...idp,
          }),
        }
      : {}),
    ...(config.oidcIssuer && config.oidcClientId && config.oidcRedirectUrl
      ? {
          oidc: new OidcClient({
            issuer: config.oidcIssuer,
            clientId: config.oidcClientId,
            ...(config.oidcClientSecret ? { clientSecret: config.oidcClientSecret } : {}),
            redirectUrl: config.oidcRedirectUrl,
            scopes: config.oidcScopes,
            ...idp,
          }),
        }
      : {}),
    setup: options.setupToken ? { token: options.setupToken } : {},
    sessionTtlMs,
    origin,
    actor(c) {
      const userId = c.get('principal')?.userId;
      return { ip: origin(c).ip, ...(userId ? { userId } : {}) };
    },
  };
}
