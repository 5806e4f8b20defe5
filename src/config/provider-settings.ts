import { apiKeyVariable } from '../adapters/providers/ai-sdk/provider-names.js';
import type { LoreConfig } from './config.schema.js';

/** The chat provider in effect: LORE_LLM_PROVIDER, else openai-compatible when LORE_LLM_BASE_URL is set. */
export function chatProvider(config: LoreConfig): NonNullable<LoreConfig['llmProvider']> {
  return config.llmProvider ?? (config.llmBaseUrl ? 'openai-compatible' : 'none');
}

/** Combinations the schema cannot check alone: models, keys and files each provider needs. */
export function providerProblems(config: LoreConfig): string[] {
  const problems: string[] = [];
  const provider = chatProvider(config);
  if (provider === 'local-gguf') {
    if (!config.llmModelPath)
      problems.push('LORE_LLM_MODEL_PATH is required when LORE_LLM_PROVIDER=local-gguf');
  } else if (provider !== 'none') {
    // Without LORE_LLM_PROVIDER the base URL check in loadConfig already names LORE_LLM_MODEL.
    if (!config.llmModel && config.llmProvider)
      problems.push(`LORE_LLM_MODEL is required when LORE_LLM_PROVIDER=${provider}`);
    if (provider === 'openai-compatible' && !config.llmBaseUrl)
      problems.push('LORE_LLM_BASE_URL is required when LORE_LLM_PROVIDER=openai-compatible');
  }
  if (provider === 'none' && (config.llmSmallModel || config.llmFallbackModel)) {
    problems.push(
      'LORE_LLM_SMALL_MODEL and LORE_LLM_FALLBACK_MODEL need a main chat model (LORE_LLM_PROVIDER, LORE_LLM_MODEL)',
    );
  }
  if (
    config.embedder !== 'none' &&
    config.embedder !== 'local-onnx' &&
    config.embedder !== 'openai-compatible'
  ) {
    if (!config.embeddingModel)
      problems.push(`LORE_EMBEDDING_MODEL is required when LORE_EMBEDDER=${config.embedder}`);
  }
  if (config.embeddingProfile !== 'default' && !config.embeddingProfiles?.[config.embeddingProfile]) {
    problems.push(
      `LORE_EMBEDDING_PROFILE names "${config.embeddingProfile}", which LORE_EMBEDDING_PROFILES does not define`,
    );
  }
  for (const [name, profile] of Object.entries(config.embeddingProfiles ?? {})) {
    if (profile.provider === 'local-onnx' ? !profile.modelPath : !profile.model) {
      problems.push(
        `LORE_EMBEDDING_PROFILES.${name} needs ${profile.provider === 'local-onnx' ? '"modelPath"' : '"model"'}`,
      );
    }
  }
  if (config.reranker === 'local-onnx' && !config.rerankModelPath)
    problems.push('LORE_RERANK_MODEL_PATH is required when LORE_RERANKER=local-onnx');
  if ((config.reranker === 'cohere' || config.reranker === 'bedrock') && !config.rerankModel)
    problems.push(`LORE_RERANK_MODEL is required when LORE_RERANKER=${config.reranker}`);
  if (config.reranker === 'cohere' && !config.rerankApiKey && !config.cohereApiKey)
    problems.push(
      `LORE_RERANKER=cohere needs a key: set COHERE_API_KEY (or LORE_RERANK_API_KEY, or ${apiKeyVariable('cohere')}_FILE)`,
    );
  return problems;
}
