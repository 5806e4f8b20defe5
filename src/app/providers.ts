import { LocalOnnxEmbedder } from '../adapters/embed/local-onnx.embedder.js';
import { OpenAICompatibleEmbedder } from '../adapters/embed/openai-compatible.embedder.js';
import { OpenAICompatibleLanguageModel } from '../adapters/llm/openai-compatible.language-model.js';
import type { LoreConfig } from '../config/config.schema.js';
import type { Embedder } from '../ports/embedder.port.js';
import type { LanguageModel } from '../ports/language-model.port.js';

/** The configured embedder, or undefined for lexical-only retrieval. */
export function createEmbedder(config: LoreConfig): Embedder | undefined {
  switch (config.embedder) {
    case 'none':
      return undefined;
    case 'openai-compatible':
      return new OpenAICompatibleEmbedder({
        baseURL: config.embeddingBaseUrl ?? '',
        model: config.embeddingModel ?? '',
        maxBatchSize: config.embeddingBatchSize,
        apiKeySetting: 'LORE_EMBEDDING_API_KEY (or OPENAI_API_KEY)',
        ...(config.embeddingApiKey ? { apiKey: config.embeddingApiKey } : {}),
        ...(config.embeddingDimensions ? { dimensions: config.embeddingDimensions } : {}),
      });
    case 'local-onnx':
      return new LocalOnnxEmbedder({
        folder: config.embeddingModelPath ?? '',
        maxBatchSize: config.embeddingBatchSize,
      });
  }
}

/** The configured chat model, or undefined for extractive answers. */
export function createLanguageModel(config: LoreConfig): LanguageModel | undefined {
  if (!config.llmBaseUrl || !config.llmModel) return undefined;
  return new OpenAICompatibleLanguageModel({
    baseURL: config.llmBaseUrl,
    model: config.llmModel,
    timeoutMs: config.llmTimeoutMs,
    apiKeySetting: 'LORE_LLM_API_KEY (or OPENAI_API_KEY)',
    ...(config.llmApiKey ? { apiKey: config.llmApiKey } : {}),
  });
}
