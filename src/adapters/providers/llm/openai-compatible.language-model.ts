import { AiSdkLanguageModel } from '../ai-sdk/ai-sdk.language-model.js';
import { createChatModel } from '../ai-sdk/provider-registry.js';
import type { RetryPolicy } from '../ai-sdk/retry-policy.js';
import { openAICompatibleEndpoint } from '../openai-compatible/endpoint.js';

/** Options for {@link OpenAICompatibleLanguageModel}. */
export interface OpenAICompatibleLanguageModelOptions {
  /** Base URL including the version prefix, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer <apiKey>` only when set. */
  apiKey?: string;
  model: string;
  /** Longest wait for the response to start or for the next chunk, in milliseconds. */
  timeoutMs?: number;
  /** Retries of retryable failures before the stream starts (429, 5xx, network); default 2. */
  maxRetries?: number;
  /** Backoff details (base delay, cap, Retry-After handling); `maxRetries` wins over `retry.maxRetries`. */
  retry?: Omit<RetryPolicy, 'maxRetries'>;
  /** Name of the setting that holds the key, quoted in remedies; default `LORE_LLM_API_KEY`. */
  apiKeySetting?: string;
}

/**
 * A LanguageModel over an OpenAI-compatible `/v1/chat/completions` server (Ollama, vLLM,
 * llama.cpp server, LM Studio, OpenAI itself), streamed. `usage` settles when `textStream` has been
 * read to the end (or fails with the same error).
 *
 * @example
 * const llm = new OpenAICompatibleLanguageModel({ baseURL: 'http://localhost:11434/v1', model: 'llama3.1' });
 * const { textStream, usage } = llm.stream({ messages: [{ role: 'user', content: 'Hi' }] });
 * for await (const delta of textStream) process.stdout.write(delta);
 */
export class OpenAICompatibleLanguageModel extends AiSdkLanguageModel {
  constructor(options: OpenAICompatibleLanguageModelOptions) {
    const endpoint = openAICompatibleEndpoint(options, 'chat', 'LORE_LLM_API_KEY');
    super(
      { id: endpoint.id, model: createChatModel(endpoint.connection), errors: endpoint.errors },
      {
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        retry: { ...options.retry, maxRetries: options.maxRetries ?? 2 },
      },
    );
  }
}
