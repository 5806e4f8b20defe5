import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../adapters/store/sqlite/database.js';
import { SqliteAccessStore } from '../../adapters/store/sqlite/sqlite.access-store.js';
import { SqliteAuditLog } from '../../adapters/store/sqlite/sqlite.audit-log.js';
import { SqliteIdentityStore } from '../../adapters/store/sqlite/sqlite.identity-store.js';
import { SqliteStore } from '../../adapters/store/sqlite/sqlite.store.js';
import { AccessService } from '../identity/access.service.js';
import { localPrincipal, type Principal } from '../identity/identity.records.js';
import { CollectionSharing } from './collection-sharing.service.js';
import { CollectionsService } from './collections.service.js';

async function setup() {
  const db = openDatabase(':memory:');
  const store = new SqliteStore(db);
  const identity = new SqliteIdentityStore(db);
  const accessStore = new SqliteAccessStore(db);
  const audit = new SqliteAuditLog(db);
  const access = new AccessService({ access: accessStore, store });
  const collections = new CollectionsService({ store, access, accessStore, audit });
  const sharing = new CollectionSharing({ access, accessStore, identity, audit });
  const user = async (email: string, scopes: Principal['scopes'] = ['read', 'write']): Promise<Principal> => {
    const created = await identity.createUser({ email, name: email, role: 'member' });
    return { kind: 'user', userId: created.id, email, role: 'member', groupIds: [], scopes, via: 'session' };
  };
  const alice = await user('alice@example.com');
  const bob = await user('bob@example.com');
  return { store, identity, accessStore, audit, collections, sharing, user, alice, bob };
}

describe('CollectionsService', () => {
  it('creates a collection owned by the caller and refuses a taken name or a read-only key', async () => {
    const s = await setup();
    const created = await s.collections.create(s.alice, '  Handbook  ', 'HR policies');
    expect(created).toMatchObject({
      name: 'Handbook',
      description: 'HR policies',
      ownerId: s.alice.userId,
      permission: 'owner',
      documentCount: 0,
    });
    expect(await s.accessStore.getCollectionOwner(created.id)).toBe(s.alice.userId);
    await expect(s.collections.create(s.bob, 'Handbook', '')).rejects.toMatchObject({ code: 'conflict' });
    const readOnly = { ...s.bob, scopes: ['read'] as const };
    await expect(s.collections.create(readOnly, 'Mine', '')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(s.collections.create(s.bob, 'a/b', '')).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('lists only the readable collections, each with the caller’s permission', async () => {
    const s = await setup();
    const own = await s.collections.create(s.alice, 'alice-own', '');
    const shared = await s.collections.create(s.alice, 'shared', '');
    await s.sharing.replace(
      s.alice,
      shared.id,
      [{ granteeType: 'user', granteeId: 'bob@example.com', permission: 'reader' }],
      {},
    );
    expect((await s.collections.list(s.bob)).map((c) => [c.name, c.permission])).toEqual([
      ['shared', 'reader'],
    ]);
    expect((await s.collections.list(localPrincipal)).map((c) => c.id).sort()).toEqual(
      [own.id, shared.id].sort(),
    );
    await expect(s.collections.get(s.bob, own.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await s.collections.get(s.bob, shared.id)).toMatchObject({ name: 'shared', permission: 'reader' });
  });

  it('lets only the owner rename or delete; a deletion is audited', async () => {
    const s = await setup();
    const collection = await s.collections.create(s.alice, 'team', '');
    await s.sharing.replace(
      s.alice,
      collection.id,
      [{ granteeType: 'user', granteeId: s.bob.userId!, permission: 'editor' }],
      {},
    );
    await expect(s.collections.update(s.bob, collection.id, { name: 'mine' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const stranger = await s.user('eve@example.com');
    await expect(s.collections.delete(stranger, collection.id)).rejects.toMatchObject({ code: 'not_found' });
    const renamed = await s.collections.update(s.alice, collection.id, { name: 'team-2', description: 'x' });
    expect(renamed).toMatchObject({ name: 'team-2', description: 'x', permission: 'owner' });
    await expect(
      s.collections.update(s.alice, collection.id, { embeddingProfile: 'multilingual' }),
    ).rejects.toThrow(/No embedder is configured/);
    await s.collections.delete(s.alice, collection.id);
    expect(await s.store.getCollection(collection.id)).toBeUndefined();
    const [entry] = await s.audit.list({ limit: 1, action: 'collection.delete' });
    expect(entry).toMatchObject({
      actorId: s.alice.userId,
      target: `collection:${collection.id}`,
      details: { name: 'team-2' },
    });
  });

  it('picks the upload collection: an editable one, a new owned one, never an unreadable one', async () => {
    const s = await setup();
    const alices = await s.collections.create(s.alice, 'private', '');
    await expect(s.collections.uploadTarget(s.bob, 'private')).rejects.toThrow('no collection private');
    await expect(s.collections.uploadTarget(s.bob, alices.id)).rejects.toThrow(`no collection ${alices.id}`);
    expect(await s.collections.uploadTarget(s.alice, 'private')).toMatchObject({ id: alices.id });
    const bobsOwn = await s.collections.uploadTarget(s.bob, undefined);
    expect(bobsOwn).toMatchObject({ name: 'bob@example.com', ownerId: s.bob.userId });
    expect((await s.collections.uploadTarget(localPrincipal, undefined)).name).toBe('default');
  });
});

describe('CollectionSharing', () => {
  it('replaces grants (users by email), audits each change and lets only the owner do it', async () => {
    const s = await setup();
    const collection = await s.collections.create(s.alice, 'shared', '');
    const group = await s.identity.createGroup('team');
    const grants = await s.sharing.replace(
      s.alice,
      collection.id,
      [
        { granteeType: 'user', granteeId: 'bob@example.com', permission: 'editor' },
        { granteeType: 'group', granteeId: group.id, permission: 'reader' },
      ],
      { userId: s.alice.userId!, ip: '203.0.113.9' },
    );
    expect(grants.ownerId).toBe(s.alice.userId);
    expect(grants.grants.map((g) => [g.granteeType, g.granteeId, g.permission]).sort()).toEqual(
      [
        ['group', group.id, 'reader'],
        ['user', s.bob.userId, 'editor'],
      ].sort(),
    );
    const granted = await s.audit.list({ limit: 10, action: 'collection.grant' });
    expect(granted).toHaveLength(2);
    expect(granted[0]).toMatchObject({ actorId: s.alice.userId, ip: '203.0.113.9' });
    // The same set again changes nothing and writes no entry.
    await s.sharing.replace(
      s.alice,
      collection.id,
      grants.grants.map(({ createdAt: _, ...grant }) => grant),
      {},
    );
    expect(await s.audit.list({ limit: 10, action: 'collection.grant' })).toHaveLength(2);
    await expect(s.sharing.list(s.bob, collection.id)).rejects.toMatchObject({ code: 'forbidden' });
    const stranger = await s.user('eve@example.com');
    await expect(s.sharing.list(stranger, collection.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      s.sharing.replace(
        s.alice,
        collection.id,
        [{ granteeType: 'user', granteeId: 'nobody@example.com', permission: 'reader' }],
        {},
      ),
    ).rejects.toThrow('grants: no user nobody@example.com');
    await s.sharing.revoke(s.alice, collection.id, { granteeType: 'user', granteeId: 'bob@example.com' }, {});
    expect((await s.sharing.list(s.alice, collection.id)).grants.map((g) => g.granteeType)).toEqual([
      'group',
    ]);
    expect(await s.audit.list({ limit: 10, action: 'collection.revoke' })).toHaveLength(1);
  });
});
