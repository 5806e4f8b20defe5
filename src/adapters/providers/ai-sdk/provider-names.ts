/* Provider names, kept free of imports so the config schema can use them without loading the SDKs. */

/** Every hosted or HTTP provider Lore can talk to through the AI SDK. */
export const providerNames = [
  'openai',
  'azure',
  'anthropic',
  'google',
  'vertex',
  'cohere',
  'bedrock',
  'mistral',
  'groq',
  'openai-compatible',
  'ollama',
] as const;
export type ProviderName = (typeof providerNames)[number];

/** Which providers serve each role (chat, embedding, rerank). */
export const chatProviderNames = providerNames;
export const embeddingProviderNames = [
  'openai',
  'azure',
  'google',
  'vertex',
  'cohere',
  'bedrock',
  'mistral',
  'openai-compatible',
  'ollama',
] as const satisfies readonly ProviderName[];
export const rerankProviderNames = ['cohere', 'bedrock'] as const satisfies readonly ProviderName[];

/** The provider's own API key variable, e.g. `ANTHROPIC_API_KEY` (Bedrock and Vertex use their cloud's credential chains). */
export function apiKeyVariable(provider: string): string | undefined {
  const variables: Record<string, string> = {
    openai: 'OPENAI_API_KEY',
    azure: 'AZURE_API_KEY',
    anthropic: 'ANTHROPIC_API_KEY',
    google: 'GOOGLE_GENERATIVE_AI_API_KEY',
    cohere: 'COHERE_API_KEY',
    mistral: 'MISTRAL_API_KEY',
    groq: 'GROQ_API_KEY',
  };
  return variables[provider];
}
