import createClient, { type Client } from 'openapi-fetch';
import { LoreError } from '../core/errors.js';
import type { paths } from './api.js';
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

/** The error of a failed API call as a LoreError with the server's code and message. */
export function apiError(error: unknown, response: Response): LoreError {
  const body = error as { error?: { code?: string; message?: string } } | undefined;
  const message = body?.error?.message ?? `${response.status} ${response.statusText}`;
  const code = body?.error?.code;
  return new LoreError(
    code === 'not_found' || code === 'invalid_request' || code === 'forbidden' || code === 'unauthenticated'
      ? code
      : 'provider_error',
    `server: ${message}`,
  );
}

export type AskRequestBody = paths['/api/v1/ask']['post']['requestBody']['content']['application/json'];

/** Asks over the API and yields the SSE events as parsed objects (`type` is the event name). */
export async function* askStream(
  client: LoreApiClient,
  body: AskRequestBody,
  signal?: AbortSignal,
): AsyncGenerator<{ type: string } & Record<string, unknown>> {
  const { response, error } = await client.POST('/api/v1/ask', {
    body,
    parseAs: 'stream',
    ...(signal ? { signal } : {}),
  });
  if (!response.ok || !response.body) throw apiError(error, response);
  for await (const message of readSse(response.body)) {
    yield { ...(JSON.parse(message.data) as Record<string, unknown>), type: message.event };
  }
}
