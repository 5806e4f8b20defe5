import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoreError } from '../../../core/errors.js';
import type { GenerateStream } from '../../../ports/language-model.port.js';
import {
  loadRecordedResponse,
  type RecordedHttpServer,
  type RecordedResponse,
  startRecordedHttpServer,
} from '../../testing/recorded-http-server.js';
import { OpenAICompatibleLanguageModel } from './openai-compatible.language-model.js';

const fixture = (name: string) => loadRecordedResponse(new URL(`./__fixtures__/${name}`, import.meta.url));
const apiKey = 'sk-lore-test-secret-0001';
const messages = [
  { role: 'system' as const, content: 'You are a helpful assistant.' },
  { role: 'user' as const, content: 'Hello!' },
];

let server: RecordedHttpServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
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

describe('OpenAICompatibleLanguageModel', () => {
  it('streams the documented chat.completion.chunk events and reports usage', async () => {
    const { baseURL, requests } = await serve(await fixture('chat-stream-with-usage.json'));
    const llm = new OpenAICompatibleLanguageModel({ baseURL, model: 'gpt-4o-mini' });

    const consoleWarn = vi.spyOn(console, 'warn');
    const stream = llm.stream({ messages, maxOutputTokens: 64, temperature: 0.2 });

    expect(await collect(stream)).toBe('Hello! How can I assist you today?');
    expect(consoleWarn).not.toHaveBeenCalled();
    expect(await stream.usage).toEqual({ inputTokens: 9, outputTokens: 12 });
    expect(llm.id).toBe('openai-compatible:gpt-4o-mini');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe('/v1/chat/completions');
    expect(requests[0]?.headers.authorization).toBeUndefined();
    expect(requests[0]?.json()).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 64,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Hello!' },
      ],
    });
  });

  it('sends the key as a Bearer token only when one is set', async () => {
    const stream = await fixture('chat-stream-with-usage.json');
    const { baseURL, requests } = await serve(stream);

    await collect(new OpenAICompatibleLanguageModel({ baseURL, apiKey, model: 'm' }).stream({ messages }));

    expect(requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('maps 401 to provider_error naming the setting, never the key, and without logging', async () => {
    const consoleError = vi.spyOn(console, 'error');
    const { baseURL } = await serve(await fixture('error-invalid-api-key.json'));
    const llm = new OpenAICompatibleLanguageModel({ baseURL, apiKey, model: 'm', maxRetries: 0 });

    const stream = llm.stream({ messages });
    const error = await failure(collect(stream));

    expect(error.code).toBe('provider_error');
    expect(error.message).toContain('The chat server at');
    expect(error.message).toContain('rejected the API key (HTTP 401). Check LORE_LLM_API_KEY.');
    const everything = `${error.message} ${JSON.stringify(error.toJSON())}`;
    expect(everything).not.toContain(apiKey);
    expect(everything).not.toContain('sk-');
    expect(await failure(stream.usage)).toBe(error);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('maps 404 model_not_found to provider_error naming the model', async () => {
    const { baseURL } = await serve(await fixture('error-model-not-found.json'));
    const llm = new OpenAICompatibleLanguageModel({ baseURL, model: 'gpt-nonexistent', maxRetries: 0 });

    const error = await failure(collect(llm.stream({ messages })));
    expect(error.code).toBe('provider_error');
    expect(error.message).toContain('does not know the model "gpt-nonexistent" (HTTP 404)');
  });

  it('maps context_length_exceeded to provider_error with a remedy', async () => {
    const { baseURL } = await serve(await fixture('error-context-length-exceeded.json'));
    const llm = new OpenAICompatibleLanguageModel({ baseURL, model: 'gpt-4', maxRetries: 0 });

    const error = await failure(collect(llm.stream({ messages })));
    expect(error.code).toBe('provider_error');
    expect(error.message).toContain('maximum context length is 8192 tokens');
    expect(error.message).toContain('Retrieve fewer or shorter passages');
  });

  it('maps a refused connection to provider_unavailable naming the URL', async () => {
    const down = await startRecordedHttpServer([]);
    await down.close();
    const llm = new OpenAICompatibleLanguageModel({ baseURL: down.baseURL, model: 'm', maxRetries: 0 });

    const stream = llm.stream({ messages });
    const error = await failure(collect(stream));
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toBe(
      `Cannot reach the chat server at ${down.baseURL} (connection refused). Is it running?`,
    );
    expect((await failure(stream.usage)).code).toBe('provider_unavailable');
  });

  it('turns an abort mid-stream into cancelled and the server sees the connection close', async () => {
    const recorded = await fixture('chat-stream-with-usage.json');
    const { baseURL, requests } = await serve({
      ...recorded,
      events: recorded.events?.slice(0, 3),
      hold: true,
    });
    const llm = new OpenAICompatibleLanguageModel({ baseURL, model: 'm' });
    const controller = new AbortController();

    const stream = llm.stream({ messages, signal: controller.signal });
    const iterator = stream.textStream[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 'Hello' });
    expect(await iterator.next()).toEqual({ done: false, value: '!' });
    controller.abort();

    expect((await failure(iterator.next())).code).toBe('cancelled');
    expect((await failure(stream.usage)).code).toBe('cancelled');
    expect(await requests[0]?.closed).toEqual({ completed: false });
  });

  it('closes the connection when the reader stops early', async () => {
    const recorded = await fixture('chat-stream-with-usage.json');
    const { baseURL, requests } = await serve({
      ...recorded,
      events: recorded.events?.slice(0, 3),
      hold: true,
    });
    const stream = new OpenAICompatibleLanguageModel({ baseURL, model: 'm' }).stream({ messages });

    for await (const delta of stream.textStream) {
      expect(delta).toBe('Hello');
      break;
    }

    expect(await requests[0]?.closed).toEqual({ completed: false });
    expect((await failure(stream.usage)).code).toBe('cancelled');
  });

  it('does not call the server when the signal is already aborted', async () => {
    const { baseURL, requests } = await serve();
    const controller = new AbortController();
    controller.abort();

    const stream = new OpenAICompatibleLanguageModel({ baseURL, model: 'm' }).stream({
      messages,
      signal: controller.signal,
    });

    expect((await failure(collect(stream))).code).toBe('cancelled');
    expect((await failure(stream.usage)).code).toBe('cancelled');
    expect(requests).toHaveLength(0);
  });

  it('reports a stream that stalls longer than timeoutMs as provider_unavailable', async () => {
    const recorded = await fixture('chat-stream-with-usage.json');
    const { baseURL, requests } = await serve({
      ...recorded,
      events: recorded.events?.slice(0, 2),
      hold: true,
    });
    const llm = new OpenAICompatibleLanguageModel({ baseURL, model: 'm', timeoutMs: 150 });

    const error = await failure(collect(llm.stream({ messages })));
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toContain('did not answer within 150 ms');
    expect(await requests[0]?.closed).toEqual({ completed: false });
  });

  it('maps a request the AI SDK refuses to invalid_request without calling the server', async () => {
    const { baseURL, requests } = await serve();
    const stream = new OpenAICompatibleLanguageModel({ baseURL, model: 'm' }).stream({ messages: [] });

    expect((await failure(collect(stream))).code).toBe('invalid_request');
    expect(requests).toHaveLength(0);
  });

  it('rejects bad options as invalid_config', () => {
    expect(() => new OpenAICompatibleLanguageModel({ baseURL: 'localhost:11434', model: 'm' })).toThrow(
      expect.objectContaining({ code: 'invalid_config' }),
    );
    expect(() => new OpenAICompatibleLanguageModel({ baseURL: 'http://localhost/v1', model: '' })).toThrow(
      expect.objectContaining({ code: 'invalid_config' }),
    );
  });
});
