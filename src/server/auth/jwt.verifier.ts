import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { LoreError } from '../../core/errors.js';
import { type ExternalClaims, roleFromClaims } from '../../core/identity/external-identity.service.js';

export interface JwtVerifierOptions {
  issuer: string;
  audience?: string;
  /** HS256 shared secret, or… */
  secret?: string;
  /** …the issuer's JWKS (asymmetric algorithms). */
  jwksUrl?: string;
  rolesClaim: string;
  adminRole: string;
}

const asymmetric = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Verifies bearer JWTs (signature, `iss`, `aud`, `exp`/`nbf` with 30 s of clock skew) with an HS256
 * secret or a remote JWKS (cached, refetched on an unknown `kid`), and reads the claims Lore uses.
 *
 * @example
 * const verifier = new JwtVerifier({ issuer: 'https://idp', audience: 'lore', secret, rolesClaim: 'roles', adminRole: 'lore-admin' });
 * const claims = await verifier.verify(token); // { issuer, subject, email?, role? }
 */
export class JwtVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly options: JwtVerifierOptions) {
    if (options.secret) {
      this.key = new TextEncoder().encode(options.secret);
      this.algorithms = ['HS256'];
    } else if (options.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl), {
        timeoutDuration: 5_000,
        cooldownDuration: 30_000,
      });
      this.algorithms = asymmetric;
    } else {
      throw new LoreError('invalid_config', 'a JWT verifier needs LORE_JWT_SECRET or LORE_JWT_JWKS_URL');
    }
  }

  /** The token's claims; throws `unauthenticated` naming what is wrong (never echoing the token). */
  async verify(token: string): Promise<ExternalClaims> {
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, this.key as Uint8Array, {
        issuer: this.options.issuer,
        ...(this.options.audience ? { audience: this.options.audience } : {}),
        algorithms: this.algorithms,
        clockTolerance: 30,
        requiredClaims: ['sub', 'exp'],
      });
      payload = verified.payload;
    } catch (error) {
      throw new LoreError('unauthenticated', `invalid bearer token: ${describe(error)}`);
    }
    const role = roleFromClaims(
      payload as Record<string, unknown>,
      this.options.rolesClaim,
      this.options.adminRole,
    );
    return {
      issuer: this.options.issuer,
      subject: String(payload.sub),
      ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
      ...(payload.email_verified === true ? { emailVerified: true } : {}),
      ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
      ...(role ? { role } : {}),
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} ${error.reason}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no matching key';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError) {
    return error.code === 'ERR_JWKS_TIMEOUT' ? 'key set unavailable' : 'malformed or unverifiable';
  }
  return 'malformed or unverifiable';
}
