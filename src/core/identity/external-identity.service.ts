import type { IdentityStore } from '../../ports/identity.port.js';
import { LoreError } from '../errors.js';
import type { AccountsService, Actor } from './accounts.service.js';
import type { Role, User } from './identity.records.js';

/** What a verified token (bearer JWT or OIDC ID token) says about its subject. */
export interface ExternalClaims {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  /** The role the roles claim gives; undefined when the token carries no roles claim. */
  role?: Role;
}

export interface ProvisionPolicy {
  /** Create a user at first sight of an unknown subject (needs an email). */
  autoProvision: boolean;
  /** For the audit log: `jwt` or `oidc`. */
  method: 'jwt' | 'oidc';
}

/**
 * Maps an external identity (issuer + subject) to a Lore user: through a stored link; else an
 * existing user with the same *verified* email is linked; else a member (or an admin, by the roles
 * claim) is created when allowed. When the token carries the roles claim, the user's role follows it.
 */
export class ExternalIdentityService {
  constructor(private readonly deps: { identity: IdentityStore; accounts: AccountsService }) {}

  async resolve(claims: ExternalClaims, policy: ProvisionPolicy, actor: Actor): Promise<User> {
    const { identity } = this.deps;
    const link = await identity.findExternalIdentity(claims.issuer, claims.subject);
    let user = link ? await identity.getUser(link.userId) : undefined;
    if (!user) user = await this.linkOrCreate(claims, policy, actor);
    if (user.disabled) throw new LoreError('forbidden', 'this account is disabled');
    if (claims.role && claims.role !== user.role) {
      try {
        user = await this.deps.accounts.update(user.id, { role: claims.role }, { ...actor, userId: user.id });
      } catch (error) {
        // The last administrator keeps the role even if the provider no longer grants it.
        if (!(LoreError.is(error) && error.code === 'conflict')) throw error;
      }
    }
    return user;
  }

  private async linkOrCreate(claims: ExternalClaims, policy: ProvisionPolicy, actor: Actor): Promise<User> {
    const { identity, accounts } = this.deps;
    const existing = claims.email ? await identity.getUserByEmail(claims.email) : undefined;
    if (existing) {
      if (claims.emailVerified !== true) {
        throw new LoreError(
          'forbidden',
          'an account with this email exists, but the identity provider does not say the email is verified',
        );
      }
      await identity.linkExternalIdentity({
        issuer: claims.issuer,
        subject: claims.subject,
        userId: existing.id,
      });
      await accounts.audit({ ...actor, userId: existing.id }, 'user.link', `user:${existing.id}`, {
        issuer: claims.issuer,
        method: policy.method,
      });
      return existing;
    }
    if (!policy.autoProvision) {
      throw new LoreError('forbidden', 'no Lore account is linked to this identity; ask an administrator');
    }
    if (!claims.email) {
      throw new LoreError('forbidden', 'the token has no email claim, so no account can be created for it');
    }
    const user = await accounts.create(
      { email: claims.email, role: claims.role ?? 'member', ...(claims.name ? { name: claims.name } : {}) },
      actor,
    );
    await identity.linkExternalIdentity({ issuer: claims.issuer, subject: claims.subject, userId: user.id });
    return user;
  }
}

/** Reads a (possibly nested, dot-separated) roles claim; undefined when absent. */
export function roleFromClaims(
  payload: Record<string, unknown>,
  claim: string,
  adminRole: string,
): Role | undefined {
  let value: unknown = payload;
  for (const part of claim.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined || value === null) return undefined;
  const roles = Array.isArray(value) ? value.map(String) : String(value).split(/[\s,]+/);
  return roles.includes(adminRole) ? 'admin' : 'member';
}
