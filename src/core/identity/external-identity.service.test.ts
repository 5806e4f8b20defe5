import { describe, expect, it } from 'vitest';
import { roleFromClaims } from './external-identity.service.js';

describe('roleFromClaims', () => {
  it('reads arrays, strings and nested claims; absent means no opinion', () => {
    expect(roleFromClaims({ roles: ['x', 'lore-admin'] }, 'roles', 'lore-admin')).toBe('admin');
    expect(roleFromClaims({ roles: ['x'] }, 'roles', 'lore-admin')).toBe('member');
    expect(roleFromClaims({ roles: 'a lore-admin' }, 'roles', 'lore-admin')).toBe('admin');
    expect(
      roleFromClaims({ realm_access: { roles: ['lore-admin'] } }, 'realm_access.roles', 'lore-admin'),
    ).toBe('admin');
    expect(roleFromClaims({}, 'roles', 'lore-admin')).toBeUndefined();
    expect(roleFromClaims({ realm_access: 'x' }, 'realm_access.roles', 'lore-admin')).toBeUndefined();
  });
});
