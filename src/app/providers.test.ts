import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadRecordedResponse,
  type RecordedHttpServer,
  type RecordedResponse,
  startRecordedHttpServer,
} from '../adapters/testing/recorded-http-server.js';
import { loadConfig } from '../config/load-config.js';
import { chooseModel } from '../core/answer/model-routing.js';
import { LoreError } from '../core/errors.js';
import type { GenerateStream } from '../ports/language-model.port.js';
import { createEmbedder, createLanguageModel, createModelRoutes, createReranker } from './providers.js';

const chatStream = () =>
  loadRecordedResponse(
    new URL('../adapters/providers/llm/__fixtures__/chat-stream-with-usage.json', import.meta.url),
  );
const overloaded = () =>
  loadRecordedResponse(
    new URL('../adapters/providers/embed/__fixtures__/error-overloaded.json', import.meta.url),
  );
const messages = [{ role: 'user' as const, content: 'Hello!' }];

const servers: RecordedHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(...responses: RecordedResponse[]): Promise<RecordedHttpServer> {
  const server = await startRecordedHttpServer(responses);
  servers.push(server);
  return server;
}

async function collect(stream: GenerateStream): Promise<string> {
  let text = '';
  for await (const delta of stream.textStream) text += delta;
  return text;
}

describe('providers from config', () => {
  it('routes short questions to the small model and long ones to the large one, each on its server', async () => {
    const large = await serve(await chatStream());
    const small = await serve(await chatStream());
    const config = loadConfig({
      LORE_LLM_BASE_URL: large.baseURL,
      LORE_LLM_MODEL: 'big-model',
      LORE_LLM_SMALL_MODEL: 'small-model',
      LORE_LLM_SMALL_BASE_URL: small.baseURL,
      LORE_LLM_ROUTING_MAX_WORDS: '8',
    });
    const routes = createModelRoutes(config)!;

    const quick = chooseModel(routes, 'How many vacation days?');
    expect(quick.decision).toEqual({ size: 'small', reason: 'short-question' });
    const quickStream = quick.model.stream({ messages });
    await collect(quickStream);
    expect(await quickStream.modelId).toBe('openai-compatible:small-model');
    expect(small.requests[0]?.json()).toMatchObject({ model: 'small-model' });

    const hard = chooseModel(
      routes,
      'Compare the travel policy with the expense policy and explain the differences',
    );
    expect(hard.decision.size).toBe('large');
    await collect(hard.model.stream({ messages }));
    expect(large.requests[0]?.json()).toMatchObject({ model: 'big-model' });

    expect(chooseModel(routes, 'Why?', 'small').decision).toEqual({ size: 'small', reason: 'requested' });
  });

  it('falls back to the fallback model when the main one is down (503 after retries)', async () => {
    const main = await serve(await overloaded(), await overloaded());
    const backup = await serve(await chatStream());
    const config = loadConfig({
      LORE_LLM_PROVIDER: 'openai-compatible',
      LORE_LLM_BASE_URL: main.baseURL,
      LORE_LLM_MODEL: 'main-model',
      LORE_LLM_MAX_RETRIES: '1',
      LORE_LLM_FALLBACK_PROVIDER: 'ollama',
      LORE_LLM_FALLBACK_MODEL: 'llama3.1:8b',
      LORE_LLM_FALLBACK_BASE_URL: backup.baseURL,
    });
    const llm = createLanguageModel(config)!;
    const stream = llm.stream({ messages });
    expect(await collect(stream)).toBe('Hello! How can I assist you today?');
    expect(await stream.modelId).toBe('ollama:llama3.1:8b');
    expect(await stream.usage).toEqual({ inputTokens: 9, outputTokens: 12 });
    expect(main.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(1);
  });

  it('does not fall back when the caller cancels', async () => {
    const recorded = await chatStream();
    const main = await serve({ ...recorded, events: recorded.events?.slice(0, 2), hold: true });
    const backup = await serve(await chatStream());
    const llm = createLanguageModel(
      loadConfig({
        LORE_LLM_BASE_URL: main.baseURL,
        LORE_LLM_MODEL: 'm',
        LORE_LLM_FALLBACK_MODEL: 'f',
        LORE_LLM_FALLBACK_BASE_URL: backup.baseURL,
      }),
    )!;
    const controller = new AbortController();
    const pending = collect(llm.stream({ messages, signal: controller.signal }));
    while (main.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    expect(await main.requests[0]?.closed).toEqual({ completed: false });
    expect(backup.requests).toHaveLength(0);
  });

  it('uses each provider’s own key variable and never sends OPENAI_API_KEY to another vendor', () => {
    const base = {
      LORE_LLM_PROVIDER: 'anthropic',
      LORE_LLM_MODEL: 'claude-haiku-4-5',
      OPENAI_API_KEY: 'sk-openai',
    };
    expect(() => createLanguageModel(loadConfig(base))).toThrow(
      /needs an API key: set LORE_LLM_API_KEY or ANTHROPIC_API_KEY \(or ANTHROPIC_API_KEY_FILE/,
    );
    expect(createLanguageModel(loadConfig({ ...base, ANTHROPIC_API_KEY: 'sk-ant-x' }))?.id).toBe(
      'anthropic:claude-haiku-4-5',
    );
  });

  it('reads secrets from *_FILE, a variable set directly winning', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'lore-secret-'));
    try {
      await writeFile(join(folder, 'cohere'), 'co-from-file\n');
      expect(loadConfig({ COHERE_API_KEY_FILE: join(folder, 'cohere') }).cohereApiKey).toBe('co-from-file');
      expect(
        loadConfig({ COHERE_API_KEY_FILE: join(folder, 'cohere'), COHERE_API_KEY: 'direct' }).cohereApiKey,
      ).toBe('direct');
      expect(() => loadConfig({ GROQ_API_KEY_FILE: join(folder, 'missing') })).toThrow(
        /GROQ_API_KEY_FILE: cannot read .*missing \(ENOENT\)/,
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('lists provider problems at once, naming the variables', () => {
    try {
      loadConfig({ LORE_LLM_PROVIDER: 'local-gguf', LORE_RERANKER: 'cohere', LORE_EMBEDDER: 'cohere' });
      expect.unreachable();
    } catch (error) {
      expect(LoreError.is(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain('LORE_LLM_MODEL_PATH is required when LORE_LLM_PROVIDER=local-gguf');
      expect(message).toContain('LORE_RERANK_MODEL is required when LORE_RERANKER=cohere');
      expect(message).toContain('LORE_EMBEDDING_MODEL is required when LORE_EMBEDDER=cohere');
    }
  });

  it('keeps the historic OpenAI-compatible settings working', () => {
    const config = loadConfig({
      LORE_LLM_BASE_URL: 'http://localhost:11434/v1',
      LORE_LLM_MODEL: 'llama3.1',
      LORE_EMBEDDER: 'openai-compatible',
      LORE_EMBEDDING_BASE_URL: 'http://localhost:11434/v1',
      LORE_EMBEDDING_MODEL: 'nomic-embed-text',
    });
    expect(createLanguageModel(config)?.id).toBe('openai-compatible:llama3.1');
    expect(createEmbedder(config)?.id).toBe('openai-compatible:nomic-embed-text');
    expect(createReranker(config)).toBeUndefined();
  });

  it('builds embedders from named profiles', () => {
    const config = loadConfig({
      COHERE_API_KEY: 'co-key',
      LORE_EMBEDDING_PROFILES: JSON.stringify({
        multilingual: { provider: 'cohere', model: 'embed-multilingual-v3.0' },
      }),
      LORE_EMBEDDING_PROFILE: 'multilingual',
    });
    const embedder = createEmbedder(config);
    expect(embedder?.id).toBe('cohere:embed-multilingual-v3.0');
    expect(embedder?.maxBatchSize).toBe(64);
    expect(() => loadConfig({ LORE_EMBEDDING_PROFILE: 'nope' })).toThrow(
      /LORE_EMBEDDING_PROFILE names "nope"/,
    );
    expect(() => loadConfig({ LORE_EMBEDDING_PROFILES: '{bad json' })).toThrow(
      /LORE_EMBEDDING_PROFILES: .*not valid JSON/,
    );
  });
});
