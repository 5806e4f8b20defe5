import type { LanguageModelV3 } from '@ai-sdk/provider';
import { streamText } from 'ai';
import { LoreError } from '../../../core/errors.js';
import type {
  GenerateRequest,
  GenerateStream,
  LanguageModel,
  TokenUsage,
} from '../../../ports/language-model.port.js';
import { type ProviderErrorContext, toProviderError } from '../openai-compatible/provider-errors.js';
import {
  connectionErrorContext,
  createChatModel,
  modelId,
  type ProviderConnection,
} from './provider-registry.js';
import { defaultRetryPolicy, nextRetryDelay, type RetryPolicy, sleep } from './retry-policy.js';

/** Options for {@link AiSdkLanguageModel}. */
export interface AiSdkLanguageModelOptions {
  /** Longest wait for the response to start or for the next chunk, in milliseconds. */
  timeoutMs?: number;
  /** Retries before the first text arrives (429, 5xx, network), with jittered backoff and `Retry-After`. */
  retry?: RetryPolicy;
}

/** What the generic adapter needs: an AI SDK model plus what goes into messages. */
export interface AiSdkModelBinding {
  id: string;
  model: LanguageModelV3;
  errors: Omit<ProviderErrorContext, 'kind' | 'cancelled' | 'timedOutAfterMs' | 'tooLongRemedy'>;
}

const tooLongRemedy =
  'Retrieve fewer or shorter passages (LORE_ANSWER_SOURCES, LORE_CHUNK_TOKENS), or choose a model with a larger context window.';

/**
 * A LanguageModel over any AI SDK chat model (OpenAI, Azure, Anthropic, Gemini, Vertex, Cohere,
 * Bedrock, Mistral, Groq, OpenAI-compatible servers), streamed. Retries happen before the first
 * delta only; after that a failure ends the stream with a LoreError. `usage` settles when
 * `textStream` has been read to the end (or fails with the same error).
 *
 * @example
 * const llm = AiSdkLanguageModel.connect({ provider: 'anthropic', model: 'claude-haiku-4-5', apiKey });
 * for await (const delta of llm.stream({ messages }).textStream) process.stdout.write(delta);
 */
export class AiSdkLanguageModel implements LanguageModel {
  readonly id: string;

  constructor(
    private readonly binding: AiSdkModelBinding,
    private readonly options: AiSdkLanguageModelOptions = {},
  ) {
    this.id = binding.id;
  }

  /** Builds the AI SDK model for a provider connection. */
  static connect(
    connection: ProviderConnection,
    options: AiSdkLanguageModelOptions = {},
  ): AiSdkLanguageModel {
    return new AiSdkLanguageModel(
      {
        id: modelId(connection),
        model: createChatModel(connection),
        errors: connectionErrorContext(connection),
      },
      options,
    );
  }

  stream(request: GenerateRequest): GenerateStream {
    const callerSignal = request.signal;
    const usage = deferred<TokenUsage>();
    const finalModel = deferred<string>();
    let timedOut = false;
    const context = (): ProviderErrorContext => ({
      ...this.binding.errors,
      kind: 'chat',
      cancelled: callerSignal?.aborted === true,
      timedOutAfterMs: timedOut ? this.options.timeoutMs : undefined,
      tooLongRemedy,
    });
    const fail = (error: unknown): LoreError => {
      const loreError = toProviderError(error, context());
      usage.reject(loreError);
      finalModel.reject(loreError);
      return loreError;
    };
    if (callerSignal?.aborted) {
      const error = fail(new Error('aborted'));
      return { textStream: failing(error), usage: usage.promise, modelId: finalModel.promise };
    }

    const policy = this.options.retry ?? defaultRetryPolicy;
    const timeoutMs = this.options.timeoutMs;
    const { model, id } = this.binding;
    let attemptStop = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const armTimer = () => {
      if (timeoutMs === undefined) return;
      clearTimeout(timer);
      const stop = attemptStop;
      timer = setTimeout(() => {
        timedOut = true;
        stop.abort();
      }, timeoutMs);
    };
    const start = () => {
      attemptStop = new AbortController();
      return streamText({
        model,
        messages: request.messages,
        // Lore retries itself (jitter, Retry-After, only before the first delta).
        maxRetries: 0,
        abortSignal: callerSignal ? AbortSignal.any([callerSignal, attemptStop.signal]) : attemptStop.signal,
        // Errors are surfaced through the stream below; the default handler would console.error them.
        onError: () => {},
        // System messages come from Lore's own prompt templates (or an authenticated API client), not from
        // retrieved passages; without this flag the AI SDK console.warns on every call.
        allowSystemInMessages: true,
        ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      });
    };

    async function* textStream(): AsyncGenerator<string> {
      let finished = false;
      let yielded = false;
      try {
        for (let attempt = 0; ; attempt++) {
          const result = start();
          armTimer();
          try {
            for await (const part of result.fullStream) {
              armTimer();
              if (part.type === 'text-delta') {
                if (part.text === '') continue;
                yielded = true;
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
                finalModel.resolve(id);
              }
            }
            if (!finished) throw new Error('the stream ended without a finish event');
            return;
          } catch (error) {
            clearTimeout(timer);
            const delay =
              yielded || timedOut || callerSignal?.aborted
                ? undefined
                : nextRetryDelay(error, attempt, policy);
            if (delay === undefined) throw error;
            await (policy.sleep ?? sleep)(delay, callerSignal);
          }
        }
      } catch (error) {
        throw fail(error);
      } finally {
        clearTimeout(timer);
        if (!finished) {
          // The reader stopped early (break, error or cancel): close the HTTP connection.
          attemptStop.abort();
          const closed = new LoreError('cancelled', 'The chat stream was closed before it finished.');
          usage.reject(closed);
          finalModel.reject(closed);
        }
      }
    }

    return { textStream: textStream(), usage: usage.promise, modelId: finalModel.promise };
  }
}

async function* failing(error: LoreError): AsyncGenerator<string> {
  yield* [];
  throw error;
}

/** A promise with its settle functions; later settles are ignored and rejection is pre-handled. */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
} {
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
