import { parseProviderURL, requireSetting } from './provider-errors.js';

/** What an OpenAI-compatible model is reached by: a base URL, an optional key and a model name. */
export interface OpenAICompatibleEndpoint {
  baseURL: string;
  apiKey?: string;
  model: string;
  apiKeySetting?: string;
}

/**
 * Checks an OpenAI-compatible endpoint once (a valid http(s) URL, a model name) and gives what the
 * AI SDK adapters need: the id, the connection for the provider registry and the context quoted in
 * error messages. Shared by the OpenAI-compatible embedder and language model.
 */
export function openAICompatibleEndpoint(
  options: OpenAICompatibleEndpoint,
  kind: 'embedding' | 'chat',
  defaultKeySetting: string,
) {
  requireSetting(options.model.trim() !== '', `The ${kind} model name is empty.`);
  const url = parseProviderURL(options.baseURL, kind);
  return {
    id: `openai-compatible:${options.model}`,
    connection: {
      provider: 'openai-compatible' as const,
      model: options.model,
      baseURL: options.baseURL,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    },
    errors: {
      url: url.baseURL,
      model: options.model,
      apiKey: options.apiKey,
      apiKeySetting: options.apiKeySetting ?? defaultKeySetting,
    },
  };
}
