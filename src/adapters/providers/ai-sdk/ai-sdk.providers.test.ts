import { afterEach, describe, expect, it } from 'vitest';
import { LoreError } from '../../../core/errors.js';
import type { GenerateStream } from '../../../ports/language-model.port.js';
import {
  loadRecordedResponse,
  type RecordedHttpServer,
  type RecordedResponse,
  startRecordedHttpServer,
} from '../../testing/recorded-http-server.js';
import { AiSdkEmbedder } from './ai-sdk.embedder.js';
import { AiSdkLanguageModel } from './ai-sdk.language-model.js';
import { AiSdkReranker } from './ai-sdk.reranker.js';
import type { ProviderConnection } from './provider-registry.js';

const here = (path: string) => new URL(path, import.meta.url);
const fixture = (name: string) => loadRecordedResponse(here(`./__fixtures__/${name}`));
const openaiFixture = (name: string) => loadRecordedResponse(here(`../llm/__fixtures__/${name}`));
const messages = [
  { role: 'system' as const, content: 'Answer briefly.' },
  { role: 'user' as const, content: 'Hello!' },
];
const apiKey = 'sk-lore-test-secret-0001';
const awsCredentials = { accessKeyId: 'AKIDLORETEST', secretAccessKey: 'lore-test-secret-access-key' };

let server: RecordedHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(...responses: RecordedResponse[]): Promise<RecordedHttpServer> {
  server = await startRecordedHttpServer(responses);
  return server;
}

async function collect(stream: GenerateStream): Promise<string> {
  let text = '';
  for await (const delta of stream.textStream) text += delta;
  return text;
}

async function failure(promise: Promise<unknown>): Promise<LoreError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(LoreError.is(error)).toBe(true);
  return error as LoreError;
}

/** A fetch that sends requests for `from` to the running test server instead. */
function redirect(from: string): typeof fetch {
  return (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!server) throw new Error('no test server');
    return fetch(url.replace(from, server.origin), init);
  };
}

interface ChatCase {
  provider: ProviderConnection['provider'];
  model: string;
  fixture: () => Promise<RecordedResponse>;
  /** Base URL below the server origin. */
  prefix: string;
  path: string;
  text: string;
  usage: { inputTokens: number; outputTokens: number };
  connection?: Partial<ProviderConnection>;
  auth: (headers: Record<string, string | string[] | undefined>) => void;
}

const chatCases: ChatCase[] = [
  {
    provider: 'openai',
    model: 'gpt-4o-mini',
    fixture: () => openaiFixture('chat-stream-with-usage.json'),
    prefix: '/v1',
    path: '/v1/chat/completions',
    text: 'Hello! How can I assist you today?',
    usage: { inputTokens: 9, outputTokens: 12 },
    auth: (headers) => expect(headers.authorization).toBe(`Bearer ${apiKey}`),
  },
  {
    provider: 'azure',
    model: 'my-gpt-4o-deployment',
    fixture: () => fixture('azure-chat-stream.json'),
    prefix: '',
    path: '/openai/v1/chat/completions?api-version=v1',
    text: 'Hello from Azure.',
    usage: { inputTokens: 14, outputTokens: 4 },
    // The real resource URL is assembled, then sent to the local server.
    connection: {
      baseURL: undefined,
      azure: { resourceName: 'lore-test' },
      fetch: redirect('https://lore-test.openai.azure.com'),
    },
    auth: (headers) => expect(headers['api-key']).toBe(apiKey),
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    fixture: () => fixture('anthropic-messages-stream.json'),
    prefix: '/v1',
    path: '/v1/messages',
    text: 'Hello!',
    usage: { inputTokens: 25, outputTokens: 15 },
    auth: (headers) => {
      expect(headers['x-api-key']).toBe(apiKey);
      expect(headers['anthropic-version']).toBeDefined();
    },
  },
  {
    provider: 'google',
    model: 'gemini-2.0-flash',
    fixture: () => fixture('google-stream-generate-content.json'),
    prefix: '/v1beta',
    path: '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse',
    text: 'Hello! How can I help you today?',
    usage: { inputTokens: 8, outputTokens: 10 },
    auth: (headers) => expect(headers['x-goog-api-key']).toBe(apiKey),
  },
  {
    provider: 'cohere',
    model: 'command-a-03-2025',
    fixture: () => fixture('cohere-chat-stream.json'),
    prefix: '/v2',
    path: '/v2/chat',
    text: 'Hello there!',
    usage: { inputTokens: 196, outputTokens: 3 },
    auth: (headers) => expect(headers.authorization).toBe(`Bearer ${apiKey}`),
  },
  {
    provider: 'bedrock',
    model: 'amazon.nova-lite-v1:0',
    fixture: () => fixture('bedrock-converse-stream.json'),
    prefix: '',
    path: `/model/${encodeURIComponent('amazon.nova-lite-v1:0')}/converse-stream`,
    text: 'Hello from Bedrock.',
    usage: { inputTokens: 12, outputTokens: 5 },
    connection: { apiKey: undefined, aws: { region: 'us-west-2', credentials: awsCredentials } },
    auth: (headers) =>
      expect(String(headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLORETEST\//),
  },
  {
    provider: 'mistral',
    model: 'mistral-small-latest',
    fixture: () => fixture('mistral-chat-stream.json'),
    prefix: '/v1',
    path: '/v1/chat/completions',
    text: 'Bonjour !',
    usage: { inputTokens: 10, outputTokens: 4 },
    auth: (headers) => expect(headers.authorization).toBe(`Bearer ${apiKey}`),
  },
  {
    provider: 'groq',
    model: 'llama-3.1-8b-instant',
    fixture: () => fixture('groq-chat-stream.json'),
    prefix: '/openai/v1',
    path: '/openai/v1/chat/completions',
    text: 'Fast answer.',
    usage: { inputTokens: 18, outputTokens: 3 },
    auth: (headers) => expect(headers.authorization).toBe(`Bearer ${apiKey}`),
  },
  {
    provider: 'ollama',
    model: 'llama3.1:8b',
    fixture: () => openaiFixture('chat-stream-with-usage.json'),
    prefix: '/v1',
    path: '/v1/chat/completions',
    text: 'Hello! How can I assist you today?',
    usage: { inputTokens: 9, outputTokens: 12 },
    connection: { apiKey: undefined },
    auth: (headers) => expect(headers.authorization).toBeUndefined(),
  },
];

describe('AiSdkLanguageModel over recorded provider streams', () => {
  it.each(chatCases)('$provider streams text and usage from its documented wire format', async (c) => {
    const { origin, requests } = await serve(await c.fixture());
    const llm = AiSdkLanguageModel.connect({
      provider: c.provider,
      model: c.model,
      baseURL: `${origin}${c.prefix}`,
      apiKey,
      ...c.connection,
    });

    const stream = llm.stream({ messages, maxOutputTokens: 64 });
    expect(await collect(stream)).toBe(c.text);
    expect(await stream.usage).toEqual(c.usage);
    expect(await stream.modelId).toBe(`${c.provider}:${c.model}`);
    expect(llm.id).toBe(`${c.provider}:${c.model}`);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe(c.path);
    c.auth(requests[0]?.headers ?? {});
    expect(requests[0]?.body).toContain('Answer briefly.');
  });

  it('bedrock: non-streaming Converse response shape is understood by the same provider', async () => {
    const { origin, requests } = await serve(await fixture('bedrock-converse.json'));
    const { generateText } = await import('ai');
    const { createChatModel } = await import('./provider-registry.js');
    const model = createChatModel({
      provider: 'bedrock',
      model: 'amazon.nova-lite-v1:0',
      baseURL: origin,
      aws: { region: 'us-west-2', credentials: awsCredentials },
    });
    const result = await generateText({ model, prompt: 'Hello!', maxRetries: 0 });
    expect(result.text).toBe('Hello! How can I help you today?');
    expect(result.usage.inputTokens).toBe(12);
    expect(requests[0]?.path).toBe(`/model/${encodeURIComponent('amazon.nova-lite-v1:0')}/converse`);
  });

  it.each([
    [
      'anthropic',
      'anthropic-error-authentication.json',
      /rejected the API key \(HTTP 401\)\. Check ANTHROPIC_API_KEY/,
    ],
    ['anthropic', 'anthropic-error-not-found.json', /does not know the model "claude-x" \(HTTP 404\)/],
    [
      'anthropic',
      'anthropic-error-prompt-too-long.json',
      /prompt is too long.*Retrieve fewer or shorter passages/,
    ],
    [
      'google',
      'google-error-api-key-invalid.json',
      /rejected the API key \(HTTP 400\)\. Check ANTHROPIC_API_KEY/,
    ],
    ['cohere', 'cohere-error-invalid-token.json', /rejected the API key \(HTTP 401\)/],
    ['bedrock', 'bedrock-error-invalid-token.json', /rejected the API key \(HTTP 403\)/],
  ] as const)('%s: %s becomes a provider_error with the remedy', async (provider, file, message) => {
    const { origin } = await serve(await fixture(file));
    const llm = AiSdkLanguageModel.connect(
      {
        provider,
        model: 'claude-x',
        baseURL: origin,
        apiKey,
        apiKeySetting: 'ANTHROPIC_API_KEY',
        aws: { region: 'us-west-2', credentials: awsCredentials },
      },
      { retry: { maxRetries: 0 } },
    );
    const error = await failure(collect(llm.stream({ messages })));
    expect(error.code).toBe('provider_error');
    expect(error.message).toMatch(message);
    expect(JSON.stringify(error.toJSON())).not.toContain(apiKey);
  });

  it('retries a 429 after the Retry-After the provider sent, then streams', async () => {
    const { origin, requests } = await serve(
      await fixture('anthropic-error-rate-limit.json'),
      await fixture('anthropic-messages-stream.json'),
    );
    const llm = AiSdkLanguageModel.connect(
      { provider: 'anthropic', model: 'claude-sonnet-4-5', baseURL: `${origin}/v1`, apiKey },
      { retry: { maxRetries: 2, baseDelayMs: 1 } },
    );
    const started = performance.now();
    expect(await collect(llm.stream({ messages }))).toBe('Hello!');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(requests).toHaveLength(2);
  });

  it('gives up on a 429 whose Retry-After exceeds the longest wait, naming the fallback setting', async () => {
    const limited = await fixture('openai-error-rate-limit.json');
    const { origin, requests } = await serve({ ...limited, headers: { 'retry-after': '120' } });
    const llm = AiSdkLanguageModel.connect(
      { provider: 'openai', model: 'gpt-4o-mini', baseURL: `${origin}/v1`, apiKey },
      { retry: { maxRetries: 3, maxDelayMs: 5_000 } },
    );
    const error = await failure(collect(llm.stream({ messages })));
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toContain('rate limiting requests (HTTP 429)');
    expect(error.message).toContain('LORE_LLM_FALLBACK_MODEL');
    expect(requests).toHaveLength(1);
  });

  it('cancels a streaming Anthropic request: the server sees the connection close', async () => {
    const recorded = await fixture('anthropic-messages-stream.json');
    const { origin, requests } = await serve({
      ...recorded,
      events: recorded.events?.slice(0, 4),
      hold: true,
    });
    const controller = new AbortController();
    const llm = AiSdkLanguageModel.connect({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      baseURL: `${origin}/v1`,
      apiKey,
    });
    const stream = llm.stream({ messages, signal: controller.signal });
    const iterator = stream.textStream[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 'Hello' });
    controller.abort();
    expect((await failure(iterator.next())).code).toBe('cancelled');
    expect(await requests[0]?.closed).toEqual({ completed: false });
  });

  it('refuses a hosted provider without a key, naming the settings', () => {
    expect(() =>
      AiSdkLanguageModel.connect({
        provider: 'groq',
        model: 'm',
        apiKeySetting: 'LORE_LLM_API_KEY or GROQ_API_KEY',
      }),
    ).toThrow(/needs an API key: set LORE_LLM_API_KEY or GROQ_API_KEY \(or GROQ_API_KEY_FILE/);
  });
});

describe('AiSdkEmbedder over recorded provider responses', () => {
  it('cohere: v2 /embed with input_type by purpose', async () => {
    const { origin, requests } = await serve(
      await fixture('cohere-embed.json'),
      await fixture('cohere-embed.json'),
    );
    const embedder = AiSdkEmbedder.connect({
      provider: 'cohere',
      model: 'embed-english-v3.0',
      baseURL: `${origin}/v2`,
      apiKey,
    });
    const vectors = await embedder.embed(['hello', 'goodbye'], 'document');
    expect(vectors.map((vector) => Array.from(vector))).toEqual([
      [0.016296387, -0.008354187, -0.04699707].map(Math.fround),
      [-0.0234375, 0.0111084, 0.0278931].map(Math.fround),
    ]);
    await embedder.embed(['hello', 'goodbye'], 'query');
    expect(requests[0]?.path).toBe('/v2/embed');
    expect(requests[0]?.json()).toMatchObject({ texts: ['hello', 'goodbye'], input_type: 'search_document' });
    expect(requests[1]?.json()).toMatchObject({ input_type: 'search_query' });
    expect(embedder.maxBatchSize).toBe(96);
    expect(embedder.id).toBe('cohere:embed-english-v3.0');
  });

  it('google: batchEmbedContents with the retrieval task type', async () => {
    const { origin, requests } = await serve(await fixture('google-batch-embed-contents.json'));
    const embedder = AiSdkEmbedder.connect({
      provider: 'google',
      model: 'gemini-embedding-001',
      baseURL: `${origin}/v1beta`,
      apiKey,
    });
    const vectors = await embedder.embed(['a', 'b'], 'query');
    expect(vectors).toHaveLength(2);
    expect(await embedder.dimension()).toBe(3);
    expect(requests[0]?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(requests[0]?.body).toContain('RETRIEVAL_QUERY');
  });

  it('mistral: /v1/embeddings, batches capped at the provider limit of 32', async () => {
    const template = await fixture('mistral-embeddings.json');
    server = await startRecordedHttpServer((request) => {
      const { input } = request.json() as { input: string[] };
      const body = structuredClone(template.body) as { data: unknown[] };
      body.data = input.map((_, index) => ({ object: 'embedding', embedding: [index, 1, 2], index }));
      return { ...template, body };
    });
    const embedder = AiSdkEmbedder.connect(
      { provider: 'mistral', model: 'mistral-embed', baseURL: `${server.origin}/v1`, apiKey },
      { maxBatchSize: 500 },
    );
    const texts = Array.from({ length: 70 }, (_, i) => `text ${i}`);
    expect(await embedder.embed(texts, 'document')).toHaveLength(70);
    expect(server.requests.map((r) => (r.json() as { input: string[] }).input.length)).toEqual([32, 32, 6]);
  });

  it('openai: 429 with Retry-After is retried after the wait', async () => {
    const { origin, requests } = await serve(
      await fixture('openai-error-rate-limit.json'),
      await loadRecordedResponse(here('../embed/__fixtures__/embeddings-response.json')),
    );
    const embedder = AiSdkEmbedder.connect({
      provider: 'openai',
      model: 'text-embedding-3-small',
      baseURL: `${origin}/v1`,
      apiKey,
    });
    const started = performance.now();
    expect(await embedder.embed(['a', 'b'], 'document')).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(requests).toHaveLength(2);
  });

  it('refuses chat-only providers for embeddings', () => {
    expect(() => AiSdkEmbedder.connect({ provider: 'anthropic', model: 'x', apiKey })).toThrow(
      /has no embedding models/,
    );
  });
});

describe('AiSdkReranker over recorded provider responses', () => {
  it('cohere: v2 /rerank scores come back in passage order', async () => {
    const { origin, requests } = await serve(await fixture('cohere-rerank.json'));
    const reranker = AiSdkReranker.connect({
      provider: 'cohere',
      model: 'rerank-v3.5',
      baseURL: `${origin}/v2`,
      apiKey,
    });
    const scores = await reranker.rerank('capital of the USA', ['Carson City', 'Saipan', 'Washington, D.C.']);
    expect(scores).toEqual([0.32713068, 0.0051232, 0.999071]);
    expect(requests[0]?.path).toBe('/v2/rerank');
    expect(requests[0]?.json()).toMatchObject({
      model: 'rerank-v3.5',
      query: 'capital of the USA',
      documents: ['Carson City', 'Saipan', 'Washington, D.C.'],
    });
  });

  it('cohere: a bad token is a provider_error naming the setting', async () => {
    const { origin } = await serve(await fixture('cohere-error-invalid-token.json'));
    const reranker = AiSdkReranker.connect(
      {
        provider: 'cohere',
        model: 'rerank-v3.5',
        baseURL: `${origin}/v2`,
        apiKey,
        apiKeySetting: 'COHERE_API_KEY',
      },
      { retry: { maxRetries: 0 } },
    );
    const error = await failure(reranker.rerank('q', ['a']));
    expect(error.message).toContain('The rerank provider Cohere');
    expect(error.message).toContain('Check COHERE_API_KEY');
  });
});
