import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { type LanguageModel as AiLanguageModel, streamText } from 'ai';
import { LoreError } from '../../core/errors.js';
import type {
  GenerateRequest,
  GenerateStream,
  LanguageModel,
  TokenUsage,
} from '../../ports/language-model.port.js';
import {
  type ProviderErrorContext,
  parseProviderURL,
  toProviderError,
} from '../openai-compatible/provider-errors.js';

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
  /** Name of the setting that holds the key, quoted in remedies; default `LORE_LLM_API_KEY`. */
  apiKeySetting?: string;
}

/**
 * A LanguageModel over an OpenAI-compatible `/v1/chat/completions` server, streamed.
 * `usage` settles when `textStream` has been read to the end (or fails with the same error).
 *
 * @example
 * const llm = new OpenAICompatibleLanguageModel({ baseURL: 'http://localhost:11434/v1', model: 'llama3.1' });
 * const { textStream, usage } = llm.stream({ messages: [{ role: 'user', content: 'Hi' }] });
 * for await (const delta of textStream) process.stdout.write(delta);
 */
export class OpenAICompatibleLanguageModel implements LanguageModel {
  readonly id: string;
  private readonly model: AiLanguageModel;
  private readonly displayURL: string;

  constructor(private readonly options: OpenAICompatibleLanguageModelOptions) {
    if (options.model.trim() === '') throw new LoreError('invalid_config', 'The chat model name is empty.');
    const url = parseProviderURL(options.baseURL, 'chat');
    this.displayURL = url.baseURL;
    this.id = `openai-compatible:${options.model}`;
    const provider = createOpenAICompatible({
      name: 'lore-chat',
      baseURL: url.baseURL,
      ...(url.queryParams ? { queryParams: url.queryParams } : {}),
      includeUsage: true,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    });
    this.model = provider.chatModel(options.model);
  }

  stream(request: GenerateRequest): GenerateStream {
    const stop = new AbortController();
    const callerSignal = request.signal;
    const signal = callerSignal ? AbortSignal.any([callerSignal, stop.signal]) : stop.signal;
    let timedOut = false;
    const usage = deferred<TokenUsage>();
    const context = (): ProviderErrorContext => ({
      kind: 'chat',
      url: this.displayURL,
      model: this.options.model,
      apiKey: this.options.apiKey,
      apiKeySetting: this.options.apiKeySetting ?? 'LORE_LLM_API_KEY',
      cancelled: callerSignal?.aborted === true,
      timedOutAfterMs: timedOut ? this.options.timeoutMs : undefined,
      tooLongRemedy: 'Retrieve fewer or shorter passages, or choose a model with a larger context window.',
    });
    if (callerSignal?.aborted) {
      const error = toProviderError(new Error('aborted'), context());
      usage.reject(error);
      return { textStream: failing(error), usage: usage.promise };
    }

    const result = streamText({
      model: this.model,
      messages: request.messages,
      maxRetries: this.options.maxRetries ?? 2,
      abortSignal: signal,
      // Errors are surfaced through the stream below; the default handler would console.error them.
      onError: () => {},
      // System messages come from Lore's own prompt templates (or an authenticated API client), not from
      // retrieved passages; without this flag the AI SDK console.warns on every call.
      allowSystemInMessages: true,
      ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    });

    const timeoutMs = this.options.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const armTimer = () => {
      if (timeoutMs === undefined) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        stop.abort();
      }, timeoutMs);
    };

    async function* textStream(): AsyncGenerator<string> {
      let finished = false;
      armTimer();
      try {
        for await (const part of result.fullStream) {
          armTimer();
          if (part.type === 'text-delta') {
            yield part.text;
          } else if (part.type === 'error') {
            throw part.error;
          } else if (part.type === 'abort') {
            throw new Error('aborted');
          } else if (part.type === 'finish') {
            finished = true;
            usage.resolve({
              inputTokens: part.totalUsage.inputTokens,
              outputTokens: part.totalUsage.outputTokens,
            });
          }
        }
        if (!finished) throw new Error('the stream ended without a finish event');
      } catch (error) {
        const loreError = toProviderError(error, context());
        usage.reject(loreError);
        throw loreError;
      } finally {
        clearTimeout(timer);
        if (!finished) {
          // The reader stopped early (break, error or cancel): close the HTTP connection.
          stop.abort();
          usage.reject(new LoreError('cancelled', 'The chat stream was closed before it finished.'));
        }
      }
    }

    return { textStream: textStream(), usage: usage.promise };
  }
}

async function* failing(error: LoreError): AsyncGenerator<string> {
  yield* [];
  throw error;
}

/** A promise with its settle functions; later settles are ignored and rejection is pre-handled. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers may never await `usage`; a rejection must not become an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
