import { z } from 'zod';

/*
 * Settings of identity and access control: user management, the first admin, sessions, bearer JWTs,
 * OIDC sign-in, rate limits, CORS. Spread into `configSchema` / `envNames` in config.schema.ts.
 */

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
/** `true/false/1/0/yes/no/on/off`, case-insensitive. */
const flag = z.union([z.boolean(), z.string().trim().toLowerCase()]).transform((value, context) => {
  if (typeof value === 'boolean') return value;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  context.addIssue({ code: 'custom', message: `expected true or false; got ${JSON.stringify(value)}` });
  return z.NEVER;
});
/** An http(s) URL; plain http only for loopback hosts (a local identity provider in development). */
const secureUrl = optionalText.refine((value) => value === undefined || isSecureUrl(value), {
  message: 'expected an https:// URL (http:// is accepted only for localhost/127.0.0.1)',
});
const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

export const identityConfigShape = {
  userManagement: z
    .enum(['auto', 'on', 'off'])
    .default('auto')
    .describe(
      'LORE_USER_MANAGEMENT: user accounts and sign-in: `on`, `off` (every caller is the single local user) or `auto` (on unless bound to a loopback address)',
    ),
  allowUnauthenticated: flag
    .default(false)
    .describe(
      'LORE_ALLOW_UNAUTHENTICATED: allow user management off on a non-loopback address (anyone who reaches the port can do everything; logged as a warning)',
    ),
  adminEmail: optionalText.describe(
    'LORE_ADMIN_EMAIL: email of the first administrator, created at start-up when no user exists (with LORE_ADMIN_PASSWORD or LORE_ADMIN_PASSWORD_FILE)',
  ),
  adminPassword: optionalText.describe(
    'LORE_ADMIN_PASSWORD: password of that first administrator (never logged)',
  ),
  adminPasswordFile: optionalText.describe(
    'LORE_ADMIN_PASSWORD_FILE: file holding that password (e.g. a mounted secret), read when LORE_ADMIN_PASSWORD is unset',
  ),
  sessionTtlHours: integer(1, 24 * 365)
    .default(168)
    .describe('LORE_SESSION_TTL_HOURS: how long a browser session lasts'),
  sessionSliding: flag
    .default(true)
    .describe(
      'LORE_SESSION_SLIDING: renew a session while it is used (else it ends TTL hours after sign-in)',
    ),
  trustProxy: flag
    .default(false)
    .describe(
      'LORE_TRUST_PROXY: behind one reverse proxy/load balancer: take the client address from X-Forwarded-For and TLS from X-Forwarded-Proto',
    ),
  jwtIssuer: optionalText.describe(
    'LORE_JWT_ISSUER: accepted `iss` of bearer JWTs (required to accept JWTs)',
  ),
  jwtAudience: optionalText.describe('LORE_JWT_AUDIENCE: required `aud` of bearer JWTs'),
  jwtSecret: optionalText
    .refine((value) => value === undefined || Buffer.byteLength(value) >= 32, {
      message: 'must be at least 32 bytes',
    })
    .describe('LORE_JWT_SECRET: HS256 key of bearer JWTs (at least 32 bytes); or LORE_JWT_JWKS_URL'),
  jwtJwksUrl: secureUrl.describe(
    'LORE_JWT_JWKS_URL: JWKS of the issuer of bearer JWTs (RS256, ES256, EdDSA...)',
  ),
  jwtAutoProvision: flag
    .default(true)
    .describe(
      'LORE_JWT_AUTO_PROVISION: create a member on the first valid JWT whose subject is unknown (needs an `email` claim)',
    ),
  idpRolesClaim: z
    .string()
    .trim()
    .min(1)
    .default('roles')
    .describe(
      "LORE_IDP_ROLES_CLAIM: JWT/OIDC claim listing the caller's roles; when present it sets the Lore role at each sign-in (dots reach nested claims, e.g. `realm_access.roles`)",
    ),
  idpAdminRole: z
    .string()
    .trim()
    .min(1)
    .default('lore-admin')
    .describe('LORE_IDP_ADMIN_ROLE: value of that claim that makes the user a Lore administrator'),
  oidcIssuer: secureUrl.describe(
    'LORE_OIDC_ISSUER: OpenID Connect provider (discovery); enables "Sign in with SSO"',
  ),
  oidcClientId: optionalText.describe('LORE_OIDC_CLIENT_ID: client id registered at the provider'),
  oidcClientSecret: optionalText.describe(
    'LORE_OIDC_CLIENT_SECRET: client secret (unset: a public client with PKCE)',
  ),
  sessionSecret: optionalText.describe(
    'LORE_SESSION_SECRET: key that signs the short-lived SSO cookie (state, nonce, PKCE verifier); give every replica the same value',
  ),
  oidcRedirectUrl: secureUrl.describe(
    "LORE_OIDC_REDIRECT_URL: this server's callback as the provider knows it, e.g. https://lore.example.com/api/v1/auth/oidc/callback",
  ),
  oidcScopes: z
    .string()
    .trim()
    .default('openid email profile')
    .describe('LORE_OIDC_SCOPES: scopes requested at sign-in'),
  oidcAutoProvision: flag
    .default(true)
    .describe('LORE_OIDC_AUTO_PROVISION: create a member at the first SSO sign-in of an unknown person'),
  rateLimitPerMinute: integer(1, 1_000_000)
    .default(600)
    .describe('LORE_RATE_LIMIT_PER_MINUTE: API requests per minute per user or API key (bursts up to this)'),
  askRateLimitPerMinute: integer(1, 1_000_000)
    .default(60)
    .describe(
      'LORE_ASK_RATE_LIMIT_PER_MINUTE: questions (ask, chat completions) per minute per user or API key',
    ),
  anonymousRateLimitPerMinute: integer(1, 1_000_000)
    .default(120)
    .describe(
      'LORE_ANONYMOUS_RATE_LIMIT_PER_MINUTE: API requests per minute per client address without a credential',
    ),
  loginMaxFailures: integer(1, 1000)
    .default(5)
    .describe('LORE_LOGIN_MAX_FAILURES: failed sign-ins per email and address within 15 minutes before 429'),
  corsOrigins: commaList.describe(
    'LORE_CORS_ORIGINS: comma-separated origins allowed to call the API from a browser, with credentials (none by default)',
  ),
};

export const identityEnvNames: Record<keyof typeof identityConfigShape, string[]> = {
  userManagement: ['LORE_USER_MANAGEMENT'],
  allowUnauthenticated: ['LORE_ALLOW_UNAUTHENTICATED'],
  adminEmail: ['LORE_ADMIN_EMAIL'],
  adminPassword: ['LORE_ADMIN_PASSWORD'],
  adminPasswordFile: ['LORE_ADMIN_PASSWORD_FILE'],
  sessionTtlHours: ['LORE_SESSION_TTL_HOURS'],
  sessionSliding: ['LORE_SESSION_SLIDING'],
  trustProxy: ['LORE_TRUST_PROXY'],
  jwtIssuer: ['LORE_JWT_ISSUER'],
  jwtAudience: ['LORE_JWT_AUDIENCE'],
  jwtSecret: ['LORE_JWT_SECRET'],
  jwtJwksUrl: ['LORE_JWT_JWKS_URL'],
  jwtAutoProvision: ['LORE_JWT_AUTO_PROVISION'],
  idpRolesClaim: ['LORE_IDP_ROLES_CLAIM'],
  idpAdminRole: ['LORE_IDP_ADMIN_ROLE'],
  oidcIssuer: ['LORE_OIDC_ISSUER'],
  oidcClientId: ['LORE_OIDC_CLIENT_ID'],
  oidcClientSecret: ['LORE_OIDC_CLIENT_SECRET'],
  sessionSecret: ['LORE_SESSION_SECRET'],
  oidcRedirectUrl: ['LORE_OIDC_REDIRECT_URL'],
  oidcScopes: ['LORE_OIDC_SCOPES'],
  oidcAutoProvision: ['LORE_OIDC_AUTO_PROVISION'],
  rateLimitPerMinute: ['LORE_RATE_LIMIT_PER_MINUTE'],
  askRateLimitPerMinute: ['LORE_ASK_RATE_LIMIT_PER_MINUTE'],
  anonymousRateLimitPerMinute: ['LORE_ANONYMOUS_RATE_LIMIT_PER_MINUTE'],
  loginMaxFailures: ['LORE_LOGIN_MAX_FAILURES'],
  corsOrigins: ['LORE_CORS_ORIGINS'],
};

/** Problems between identity settings (listed with the other config problems). */
export function identityConfigProblems(config: {
  jwtIssuer?: string | undefined;
  jwtSecret?: string | undefined;
  jwtJwksUrl?: string | undefined;
  oidcIssuer?: string | undefined;
  oidcClientId?: string | undefined;
  oidcRedirectUrl?: string | undefined;
  adminEmail?: string | undefined;
  adminPassword?: string | undefined;
  adminPasswordFile?: string | undefined;
}): string[] {
  const problems: string[] = [];
  if (config.jwtSecret && config.jwtJwksUrl)
    problems.push('set LORE_JWT_SECRET or LORE_JWT_JWKS_URL, not both');
  if ((config.jwtSecret || config.jwtJwksUrl) && !config.jwtIssuer) {
    problems.push('LORE_JWT_ISSUER is required when LORE_JWT_SECRET or LORE_JWT_JWKS_URL is set');
  }
  if (config.jwtIssuer && !config.jwtSecret && !config.jwtJwksUrl) {
    problems.push('LORE_JWT_ISSUER needs LORE_JWT_SECRET or LORE_JWT_JWKS_URL');
  }
  if (config.oidcIssuer && (!config.oidcClientId || !config.oidcRedirectUrl)) {
    problems.push('LORE_OIDC_CLIENT_ID and LORE_OIDC_REDIRECT_URL are required when LORE_OIDC_ISSUER is set');
  }
  const adminPassword = config.adminPassword || config.adminPasswordFile;
  if (config.adminEmail && !adminPassword) {
    problems.push('LORE_ADMIN_EMAIL needs LORE_ADMIN_PASSWORD or LORE_ADMIN_PASSWORD_FILE');
  }
  if (!config.adminEmail && adminPassword) {
    problems.push('LORE_ADMIN_PASSWORD(_FILE) needs LORE_ADMIN_EMAIL');
  }
  return problems;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

function isSecureUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  } catch {
    return false;
  }
}

/** Whether sign-in is required: `on`, `off`, or `auto` = on unless the host is a loopback address. */
export function userManagementEnabled(config: {
  userManagement: 'auto' | 'on' | 'off';
  host: string;
}): boolean {
  if (config.userManagement === 'auto') return !isLoopbackHost(config.host);
  return config.userManagement === 'on';
}
