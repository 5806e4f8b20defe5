import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './api.js';
import { apiError } from './api-errors.js';
import { readSse } from './sse.js';

export type LoreApiClient = Client<paths>;

export interface LoreClientOptions {
  /** Server root, e.g. `https://lore.example.com`. */
  baseUrl: string;
  /** An API key (`lore_…`) or a JWT, sent as a bearer token. */
  token?: string;
  fetch?: typeof fetch;
}

/** Typed client of the REST API, generated from docs/openapi.json (used by the CLI's remote mode and the web UI). */
export function createLoreClient(options: LoreClientOptions): LoreApiClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
  });
}

export { apiError, streamError } from './api-errors.js';

export type AskRequestBody = paths['/api/v1/ask']['post']['requestBody']['content']['application/json'];

/** One event of a streamed answer, typed from the API document (`AskEvent`). */
export type AskStreamEvent = components['schemas']['AskEvent'];

/**
 * Asks over the API and yields the SSE events as parsed objects (`type` is the event name); an
 * `answer-error` event is yielded too (see `streamError` to turn it into a LoreError).
 */
export async function* askStream(
  client: LoreApiClient,
  body: AskRequestBody,
  signal?: AbortSignal,
): AsyncGenerator<AskStreamEvent> {
  const { response, error } = await client.POST('/api/v1/ask', {
    body,
    parseAs: 'stream',
    ...(signal ? { signal } : {}),
  });
  if (!response.ok || !response.body) throw apiError(error, response);
  for await (const message of readSse(response.body)) {
    yield { ...(JSON.parse(message.data) as object), type: message.event } as AskStreamEvent;
  }
}
