import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectOllama, ollamaSuggestion } from './ollama-detect.js';

// Shape of Ollama's `GET /api/tags` as in its API reference (docs/api.md, "List Local Models").
const tags = {
  models: [
    {
      name: 'llama3.2:latest',
      model: 'llama3.2:latest',
      modified_at: '2025-05-04T17:37:44.706015396-07:00',
      size: 2019393189,
      digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'llama',
        families: ['llama'],
        parameter_size: '3.2B',
        quantization_level: 'Q4_K_M',
      },
    },
    {
      name: 'nomic-embed-text:latest',
      model: 'nomic-embed-text:latest',
      modified_at: '2025-05-04T17:30:00.000000000-07:00',
      size: 274302450,
      digest: '0a109f422b47e3a30ba2b10eca18548e944e8a23073ee3f3e947efcf3c45e59f',
      details: {
        parent_model: '',
        format: 'gguf',
        family: 'nomic-bert',
        families: ['nomic-bert'],
        parameter_size: '137M',
        quantization_level: 'F16',
      },
    },
  ],
};

let baseUrl = '';
const server = createServer((request, response) => {
  if (request.url === '/api/tags') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(tags));
  } else {
    response.writeHead(404).end();
  }
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('detectOllama', () => {
  it('sorts installed models into chat and embedding models and suggests settings', async () => {
    const offer = await detectOllama(baseUrl);
    expect(offer).toEqual({
      baseUrl,
      chatModels: ['llama3.2:latest'],
      embeddingModels: ['nomic-embed-text:latest'],
    });
    expect(ollamaSuggestion(offer!, { chat: true, embedder: true })).toEqual([
      `LORE_LLM_BASE_URL=${baseUrl}/v1`,
      'LORE_LLM_MODEL=llama3.2:latest',
      'LORE_EMBEDDER=openai-compatible',
      `LORE_EMBEDDING_BASE_URL=${baseUrl}/v1`,
      'LORE_EMBEDDING_MODEL=nomic-embed-text:latest',
    ]);
    expect(ollamaSuggestion(offer!, { chat: false, embedder: true })).toHaveLength(3);
  });

  it('returns undefined when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await detectOllama(`http://127.0.0.1:${port}`, 300)).toBeUndefined();
  });
});
