import { afterEach, describe, expect, it } from 'vitest';
import { LoreError } from '../../../core/errors.js';
import {
  loadRecordedResponse,
  type RecordedHttpServer,
  type RecordedResponse,
  startRecordedHttpServer,
} from '../../testing/recorded-http-server.js';
import { OpenAICompatibleEmbedder } from './openai-compatible.embedder.js';

const fixture = (name: string) => loadRecordedResponse(new URL(`./__fixtures__/${name}`, import.meta.url));
const apiKey = 'sk-lore-test-secret-0001';

let server: RecordedHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(...responses: RecordedResponse[]): Promise<RecordedHttpServer> {
  server = await startRecordedHttpServer(responses);
  return server;
}

/** The documented response shape, with one 3-dimension vector per input: [batch index, position, 1]. */
async function echoingServer(): Promise<RecordedHttpServer> {
  const template = await fixture('embeddings-response.json');
  let call = 0;
  server = await startRecordedHttpServer((request) => {
    const { input } = request.json() as { input: string[] };
    call += 1;
    const body = structuredClone(template.body) as { data: unknown[] };
    body.data = input.map((_, index) => ({ object: 'embedding', embedding: [call, index, 1], index }));
    return { ...template, body };
  });
  return server;
}

async function failure(promise: Promise<unknown>): Promise<LoreError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(LoreError.is(error)).toBe(true);
  return error as LoreError;
}

describe('OpenAICompatibleEmbedder', () => {
  it('posts the texts to /v1/embeddings and decodes the documented response into Float32Arrays', async () => {
    const { baseURL, requests } = await serve(await fixture('embeddings-response.json'));
    const embedder = new OpenAICompatibleEmbedder({ baseURL, model: 'text-embedding-ada-002' });

    const vectors = await embedder.embed(['The food was delicious', 'and the waiter...'], 'document');

    expect(embedder.id).toBe('openai-compatible:text-embedding-ada-002');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.path).toBe('/v1/embeddings');
    expect(requests[0]?.headers.authorization).toBeUndefined();
    expect(requests[0]?.json()).toMatchObject({
      model: 'text-embedding-ada-002',
      input: ['The food was delicious', 'and the waiter...'],
      encoding_format: 'float',
    });
    expect(vectors.every((vector) => vector instanceof Float32Array)).toBe(true);
    expect(vectors.map((vector) => Array.from(vector))).toEqual([
      [0.0023064255, -0.009327292, -0.0028842222].map(Math.fround),
      [-0.0118941, 0.0043587, 0.0279412].map(Math.fround),
    ]);
    // Learned from the response: no second request.
    expect(await embedder.dimension()).toBe(3);
    expect(requests).toHaveLength(1);
  });

  it('splits the input into requests of at most maxBatchSize texts and keeps the order', async () => {
    const { baseURL, requests } = await echoingServer();
    const embedder = new OpenAICompatibleEmbedder({ baseURL, model: 'm', maxBatchSize: 2 });

    const vectors = await embedder.embed(['a', 'b', 'c', 'd', 'e'], 'document');

    expect(requests.map((request) => (request.json() as { input: string[] }).input)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e'],
    ]);
    expect(vectors.map((vector) => Array.from(vector))).toEqual([
      [1, 0, 1],
      [1, 1, 1],
      [2, 0, 1],
      [2, 1, 1],
      [3, 0, 1],
    ]);
    expect(await embedder.embed([], 'document')).toEqual([]);
    expect(requests).toHaveLength(3);
  });

  it('sends the key as a Bearer token, `dimensions` when configured, and the purpose prefixes', async () => {
    const { baseURL, requests } = await echoingServer();
    const embedder = new OpenAICompatibleEmbedder({
      baseURL,
      apiKey,
      model: 'nomic-embed-text',
      dimensions: 3,
      queryPrefix: 'search_query: ',
      documentPrefix: 'search_document: ',
    });

    await embedder.embed(['what is lore?'], 'query');
    await embedder.embed(['Lore is a knowledge assistant.'], 'document');

    expect(requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(requests[0]?.json()).toMatchObject({ dimensions: 3, input: ['search_query: what is lore?'] });
    expect(requests[1]?.json()).toMatchObject({ input: ['search_document: Lore is a knowledge assistant.'] });
    expect(await embedder.dimension()).toBe(3);
  });

  it('probes the dimension once when it is neither configured nor seen yet', async () => {
    const { baseURL, requests } = await echoingServer();
    const embedder = new OpenAICompatibleEmbedder({ baseURL, model: 'm' });

    expect(await Promise.all([embedder.dimension(), embedder.dimension()])).toEqual([3, 3]);
    expect(requests).toHaveLength(1);
  });

  it('rejects vectors whose length differs from the configured dimensions', async () => {
    const { baseURL } = await serve(await fixture('embeddings-response.json'));
    const embedder = new OpenAICompatibleEmbedder({ baseURL, model: 'm', dimensions: 1536 });

    const error = await failure(embedder.embed(['a', 'b'], 'document'));
    expect(error.code).toBe('provider_error');
    expect(error.message).toContain('3-dimension vector where 1536 was expected');
  });

  it('maps 401 to provider_error that names the setting but never the key', async () => {
    const { baseURL } = await serve(await fixture('error-invalid-api-key.json'));
    const embedder = new OpenAICompatibleEmbedder({ baseURL, apiKey, model: 'm', maxRetries: 0 });

    const error = await failure(embedder.embed(['a'], 'document'));

    expect(error.code).toBe('provider_error');
    expect(error.message).toContain('rejected the API key (HTTP 401)');
    expect(error.message).toContain('LORE_EMBEDDING_API_KEY');
    const everything = `${error.message} ${JSON.stringify(error.toJSON())}`;
    expect(everything).not.toContain(apiKey);
    expect(everything).not.toContain('sk-');
  });

  it('says the key is missing when a server demands one and none is set', async () => {
    const { baseURL } = await serve(await fixture('error-invalid-api-key.json'));
    const embedder = new OpenAICompatibleEmbedder({
      baseURL,
      model: 'm',
      maxRetries: 0,
      apiKeySetting: '--api-key',
    });

    const error = await failure(embedder.embed(['a'], 'document'));
    expect(error.message).toContain('requires an API key, but none is set (HTTP 401). Check --api-key.');
  });

  it('maps 404 model_not_found to provider_error naming the model', async () => {
    const { baseURL } = await serve(await fixture('error-model-not-found.json'));
    const embedder = new OpenAICompatibleEmbedder({ baseURL, model: 'text-embedding-4-tiny', maxRetries: 0 });

    const error = await failure(embedder.embed(['a'], 'document'));
    expect(error.code).toBe('provider_error');
    expect(error.message).toContain('does not know the model "text-embedding-4-tiny" (HTTP 404)');
  });

  it('retries a 503 and succeeds; after the last retry reports provider_unavailable', async () => {
    const overloaded = await fixture('error-overloaded.json');
    const ok = await fixture('embeddings-response.json');
    const first = await serve(overloaded, ok);
    const embedder = new OpenAICompatibleEmbedder({ baseURL: first.baseURL, model: 'm', maxRetries: 1 });
    expect(await embedder.embed(['a', 'b'], 'document')).toHaveLength(2);
    expect(first.requests).toHaveLength(2);
    await first.close();

    const second = await serve(overloaded, overloaded);
    const failing = new OpenAICompatibleEmbedder({ baseURL: second.baseURL, model: 'm', maxRetries: 1 });
    const error = await failure(failing.embed(['a'], 'document'));
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toContain('HTTP 503: The engine is currently overloaded');
  });

  it('maps a refused connection to provider_unavailable naming the URL', async () => {
    const down = await startRecordedHttpServer([]);
    await down.close();
    const embedder = new OpenAICompatibleEmbedder({
      baseURL: down.baseURL,
      apiKey,
      model: 'm',
      maxRetries: 0,
    });

    const error = await failure(embedder.embed(['a'], 'document'));
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toBe(
      `Cannot reach the embedding server at ${down.baseURL} (connection refused). Is it running?`,
    );
  });

  it('turns an abort into cancelled and closes the connection', async () => {
    const { baseURL, requests } = await serve({ events: [], hold: true });
    const embedder = new OpenAICompatibleEmbedder({ baseURL, model: 'm' });
    const controller = new AbortController();

    const pending = embedder.embed(['a'], 'document', controller.signal);
    await waitFor(() => requests.length === 1);
    controller.abort();

    expect((await failure(pending)).code).toBe('cancelled');
    expect(await requests[0]?.closed).toEqual({ completed: false });
    expect((await failure(embedder.embed(['a'], 'document', controller.signal))).code).toBe('cancelled');
    expect(requests).toHaveLength(1);
  });

  it('reports a server that does not answer within timeoutMs as provider_unavailable', async () => {
    const { baseURL } = await serve({ events: [], hold: true });
    const embedder = new OpenAICompatibleEmbedder({ baseURL, model: 'm', timeoutMs: 100 });

    const error = await failure(embedder.embed(['a'], 'document'));
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toContain('did not answer within 100 ms');
  });

  it('keeps base URL query parameters on every request but out of error messages', async () => {
    const { baseURL, requests } = await serve(await fixture('error-overloaded.json'));
    const embedder = new OpenAICompatibleEmbedder({
      baseURL: `${baseURL}?api-key=hunter2`,
      model: 'm',
      maxRetries: 0,
    });

    const error = await failure(embedder.embed(['a'], 'document'));
    expect(requests[0]?.path).toBe('/v1/embeddings?api-key=hunter2');
    expect(JSON.stringify(error.toJSON())).not.toContain('hunter2');
  });

  it('rejects bad options as invalid_config', () => {
    const make = (options: Partial<ConstructorParameters<typeof OpenAICompatibleEmbedder>[0]>) => () =>
      new OpenAICompatibleEmbedder({ baseURL: 'http://localhost/v1', model: 'm', ...options });
    expect(make({ baseURL: 'not a url' })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(make({ baseURL: 'http://lore:hunter2@localhost/v1' })).toThrow(
      expect.objectContaining({ code: 'invalid_config', message: expect.not.stringContaining('hunter2') }),
    );
    expect(make({ model: ' ' })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(make({ maxBatchSize: 0 })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(make({ dimensions: 1.5 })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
