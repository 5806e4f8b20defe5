import type { IdentityStore } from '../../ports/identity.port.js';
import { type ApiScope, apiScopes, type Principal, type Role, type User } from './identity.records.js';

/** Scopes a role may hold: members read and write, admins also administer. */
export function scopesOfRole(role: Role): ApiScope[] {
  return role === 'admin' ? [...apiScopes] : ['read', 'write'];
}

/**
 * The principal of a signed-in user. `scopes` narrows what the credential allows (API keys); it can
 * never exceed what the user's role allows, so a key made by an admin who is later demoted loses `admin`.
 */
export async function principalForUser(
  identity: Pick<IdentityStore, 'groupsOf'>,
  user: User,
  via: Principal['via'],
  scopes?: readonly ApiScope[],
): Promise<Principal> {
  const allowed = scopesOfRole(user.role);
  return {
    kind: 'user',
    userId: user.id,
    email: user.email,
    role: user.role,
    groupIds: await identity.groupsOf(user.id),
    scopes: scopes ? allowed.filter((scope) => scopes.includes(scope)) : allowed,
    via,
  };
}
