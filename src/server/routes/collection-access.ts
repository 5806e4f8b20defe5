import type { LoreApp } from '../../app/create-app.js';
import { LoreError } from '../../core/errors.js';
import type { Principal } from '../../core/identity/identity.records.js';
import type { Collection } from '../../core/records.js';

/** Collection names: printable, no slashes, at most 100 characters (code points, as JSON Schema's `maxLength` counts). */
export function checkCollectionName(name: string): string {
  const trimmed = name.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (trimmed === '' || [...trimmed].length > 100 || /[/\\\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new LoreError('invalid_request', 'a collection name is 1–100 printable characters without slashes');
  }
  return trimmed;
}

/**
 * The collection an upload goes to: an existing one the caller may edit, or a new one the caller
 * owns. Without a name: `default` on an install without user management, else the caller's own.
 */
export async function resolveUploadCollection(
  app: LoreApp,
  principal: Principal,
  requested: string | undefined,
): Promise<Collection> {
  const name = checkCollectionName(
    requested ?? (principal.userId ? `${principal.email ?? principal.userId}` : 'default'),
  );
  const existing = (await app.store.getCollectionByName(name)) ?? (await app.store.getCollection(name));
  if (existing) {
    try {
      await app.access.require(principal, existing.id, 'editor');
    } catch (error) {
      // Named as the caller named it: the id of a collection it cannot read would leak.
      if (LoreError.is(error) && error.code === 'not_found')
        throw new LoreError('not_found', `no collection ${name}`);
      throw error;
    }
    return existing;
  }
  return createOwnedCollection(app, principal, name, '');
}

/** Creates a collection owned by the principal (none for the local user). */
export async function createOwnedCollection(
  app: LoreApp,
  principal: Principal,
  name: string,
  description: string,
): Promise<Collection> {
  if (!principal.scopes.includes('write'))
    throw new LoreError('forbidden', 'this credential lacks the write scope');
  if (await app.store.getCollectionByName(name)) {
    throw new LoreError('conflict', `a collection named ${name} already exists`);
  }
  const collection = await app.store.ensureCollection(name);
  // Someone else created the name meanwhile: theirs, not ours.
  if (principal.userId && !(await app.accessStore.claimCollection(collection.id, principal.userId))) {
    throw new LoreError('conflict', `a collection named ${name} already exists`);
  }
  const updated = description ? await app.store.updateCollection(collection.id, { description }) : collection;
  return { ...(updated ?? collection), ...(principal.userId ? { ownerId: principal.userId } : {}) };
}
