import { apiError, createLoreClient, type LoreApiClient } from '../client/lore-client.js';
import { loadConfig } from '../config/load-config.js';
import { LoreError } from '../core/errors.js';
import type { GlobalOptions } from './context.js';

/**
 * The typed API client when the CLI runs against a server (`--server URL` or LORE_SERVER_URL, with
 * `--api-key` or LORE_API_KEY); undefined for the local data folder.
 */
export function remoteClient(global: GlobalOptions): LoreApiClient | undefined {
  const { serverUrl, apiKey } = loadConfig(process.env, {
    ...(global.server ? { serverUrl: global.server } : {}),
    ...(global.apiKey ? { apiKey: global.apiKey } : {}),
  });
  if (!serverUrl) return undefined;
  return createLoreClient({ baseUrl: serverUrl, ...(apiKey ? { token: apiKey } : {}) });
}

/** Collection ids for names, through the API (names the caller cannot read are reported as missing). */
export async function remoteCollectionIds(
  client: LoreApiClient,
  names: readonly string[],
): Promise<string[]> {
  const { data, error, response } = await client.GET('/api/v1/collections');
  if (!data) throw apiError(error, response);
  return names.map((name) => {
    const found = data.collections.find((collection) => collection.name === name || collection.id === name);
    if (!found) throw new LoreError('not_found', `no collection named "${name}" on the server`);
    return found.id;
  });
}

/** The data of an API call, or its error as a LoreError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) throw apiError(result.error, result.response);
  return result.data;
}
