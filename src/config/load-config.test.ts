import { describe, expect, it } from 'vitest';
import { LoreError } from '../core/errors.js';
import { loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('has safe defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 7860,
      maxDocumentsPerUpload: 20,
      maxPages: 1000,
    });
  });

  it('lets an explicit option beat the environment', () => {
    expect(loadConfig({ LORE_PORT: '9000' }, { port: '9100' }).port).toBe(9100);
    expect(loadConfig({ LORE_PORT: '9000' }).port).toBe(9000);
  });

  it('falls back to OPENAI_API_KEY', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'sk-test' }).llmApiKey).toBe('sk-test');
  });

  it('lists every problem at once, naming option and variable', () => {
    try {
      loadConfig({ LORE_PORT: 'abc', LORE_MAX_PAGES: '0' }, { chunkTokens: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(LoreError.is(error) && error.code).toBe('invalid_config');
      const message = (error as Error).message;
      expect(message).toContain('LORE_PORT');
      expect(message).toContain('LORE_MAX_PAGES');
      expect(message).toContain('--chunk-tokens (overrides LORE_CHUNK_TOKENS)');
    }
  });

  it('checks combinations', () => {
    expect(() => loadConfig({ LORE_EMBEDDER: 'openai-compatible' })).toThrow(/LORE_EMBEDDING_BASE_URL/);
  });
});
