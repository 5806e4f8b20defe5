import type { Context } from 'hono';
import { LoreError } from '../core/errors.js';
import type { Principal } from '../core/identity/identity.records.js';

/** Variables every request carries through the Hono context. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by the authentication middleware; absent for an anonymous caller. */
    principal?: Principal;
    /** Set by the JSON body reader when the request carried a JSON body (`value` undefined when empty). */
    jsonBody?: { value: unknown };
  };
}

/** The caller, or a 401 when the request carries no valid credential. */
export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw new LoreError('unauthenticated', 'sign in or send an API key or bearer token');
  return principal;
}
