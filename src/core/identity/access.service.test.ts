import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../adapters/store/sqlite/database.js';
import { SqliteAccessStore } from '../../adapters/store/sqlite/sqlite.access-store.js';
import { SqliteIdentityStore } from '../../adapters/store/sqlite/sqlite.identity-store.js';
import { SqliteStore } from '../../adapters/store/sqlite/sqlite.store.js';
import { LoreError } from '../errors.js';
import { AccessService } from './access.service.js';
import { localPrincipal, type Principal } from './identity.records.js';

async function setup() {
  const db = openDatabase(':memory:');
  const store = new SqliteStore(db);
  const identity = new SqliteIdentityStore(db);
  const accessStore = new SqliteAccessStore(db);
  const access = new AccessService({ access: accessStore, store });
  const alice = await identity.createUser({ email: 'alice@example.com', name: 'Alice', role: 'member' });
  const bob = await identity.createUser({ email: 'Bob@example.com', name: 'Bob', role: 'member' });
  const team = await identity.createGroup('team');
  await identity.setGroupMembers(team.id, [bob.id]);
  const own = await store.ensureCollection('alice-private');
  const shared = await store.ensureCollection('shared-with-team');
  const direct = await store.ensureCollection('shared-with-bob');
  for (const c of [own, shared, direct]) await accessStore.setCollectionOwner(c.id, alice.id);
  await accessStore.grant({
    collectionId: shared.id,
    granteeType: 'group',
    granteeId: team.id,
    permission: 'reader',
  });
  await accessStore.grant({
    collectionId: direct.id,
    granteeType: 'user',
    granteeId: bob.id,
    permission: 'editor',
  });
  const principal = (id: string, groupIds: string[] = []): Principal => ({
    kind: 'user',
    userId: id,
    role: 'member',
    groupIds,
    scopes: ['read', 'write'],
    via: 'session',
  });
  return { identity, accessStore, access, alice, bob, team, own, shared, direct, principal };
}

describe('AccessService', () => {
  it('gives owners, user grants and group grants their strongest permission', async () => {
    const s = await setup();
    const bob = s.principal(s.bob.id, await s.identity.groupsOf(s.bob.id));
    expect(await s.access.permissions(bob)).toEqual(
      new Map([
        [s.shared.id, 'reader'],
        [s.direct.id, 'editor'],
      ]),
    );
    await s.accessStore.grant({
      collectionId: s.direct.id,
      granteeType: 'group',
      granteeId: s.team.id,
      permission: 'reader',
    });
    expect((await s.access.permissions(bob))?.get(s.direct.id)).toBe('editor');
    expect((await s.access.permissions(s.principal(s.alice.id)))?.get(s.own.id)).toBe('owner');
  });

  it('narrows read filters to readable collections, even when others are asked for', async () => {
    const s = await setup();
    const bob = s.principal(s.bob.id, [s.team.id]);
    expect(new Set((await s.access.readFilter(bob)).collectionIds)).toEqual(
      new Set([s.shared.id, s.direct.id]),
    );
    expect(
      (await s.access.readFilter(bob, { collectionIds: [s.own.id, s.shared.id] })).collectionIds,
    ).toEqual([s.shared.id]);
    expect((await s.access.readFilter(s.principal('nobody'))).collectionIds).toEqual([]);
    expect((await s.access.readFilter(localPrincipal)).collectionIds).toBeUndefined();
  });

  it('hides unreadable collections as not found and refuses writes to read-only ones', async () => {
    const s = await setup();
    const bob = s.principal(s.bob.id, [s.team.id]);
    await expect(s.access.require(bob, s.own.id, 'reader')).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.access.require(bob, s.shared.id, 'editor')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.access.require(bob, s.direct.id, 'editor')).resolves.toBeUndefined();
    const readOnlyKey: Principal = { ...bob, scopes: ['read'], via: 'api-key' };
    await expect(s.access.require(readOnlyKey, s.direct.id, 'editor')).rejects.toBeInstanceOf(LoreError);
  });

  it('drops grants and ownership with a deleted user or group', async () => {
    const s = await setup();
    await s.identity.deleteGroup(s.team.id);
    expect(await s.accessStore.listGrants(s.shared.id)).toEqual([]);
    await s.identity.deleteUser(s.alice.id);
    expect(await s.accessStore.getCollectionOwner(s.own.id)).toBeUndefined();
    expect(await s.identity.getUserByEmail('bob@EXAMPLE.com')).toMatchObject({ id: s.bob.id });
  });
});
