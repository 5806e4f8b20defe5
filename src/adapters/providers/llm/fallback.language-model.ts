import { LoreError, toLoreError } from '../../../core/errors.js';
import type {
  GenerateRequest,
  GenerateStream,
  LanguageModel,
  TokenUsage,
} from '../../../ports/language-model.port.js';
import { deferred } from '../ai-sdk/ai-sdk.language-model.js';

/** Options for {@link FallbackLanguageModel}. */
export interface FallbackOptions {
  /** Called when a model failed before producing text and the next one takes over (logs, metrics). */
  onFallback?: (failed: string, next: string, error: LoreError) => void;
}

/**
 * Tries each model in order: when one fails before its first text delta (unreachable, rate limited
 * after its retries, rejected), the next one answers. A failure after text has been streamed ends
 * the stream (the reader has already shown part of an answer). Cancellation never falls back.
 * `modelId` reports the model that actually answered.
 *
 * @example
 * const llm = new FallbackLanguageModel([primary, cheaperBackup]);
 */
export class FallbackLanguageModel implements LanguageModel {
  readonly id: string;

  constructor(
    private readonly models: readonly LanguageModel[],
    private readonly options: FallbackOptions = {},
  ) {
    if (models.length === 0)
      throw new LoreError('invalid_config', 'A fallback chain needs at least one model.');
    this.id = models[0]!.id;
  }

  stream(request: GenerateRequest): GenerateStream {
    const usage = deferred<TokenUsage>();
    const modelId = deferred<string>();
    const { models, options } = this;

    async function* textStream(): AsyncGenerator<string> {
      for (const [index, model] of models.entries()) {
        const stream = model.stream(request);
        let yielded = false;
        try {
          for await (const delta of stream.textStream) {
            yielded = true;
            yield delta;
          }
          usage.resolve(await stream.usage);
          modelId.resolve(await (stream.modelId ?? Promise.resolve(model.id)));
          return;
        } catch (thrown) {
          const error = toLoreError(thrown, 'provider_error');
          const next = models[index + 1];
          const canFallBack =
            !yielded &&
            next !== undefined &&
            request.signal?.aborted !== true &&
            (error.code === 'provider_unavailable' || error.code === 'provider_error');
          if (!canFallBack) {
            usage.reject(error);
            modelId.reject(error);
            throw error;
          }
          options.onFallback?.(model.id, next.id, error);
        }
      }
    }

    const iterator = textStream();
    return {
      textStream: {
        [Symbol.asyncIterator]: () => ({
          next: () => iterator.next(),
          return: async (value?: unknown) => {
            const closed = new LoreError('cancelled', 'The chat stream was closed before it finished.');
            usage.reject(closed);
            modelId.reject(closed);
            return iterator.return(value as undefined);
          },
        }),
      },
      usage: usage.promise,
      modelId: modelId.promise,
    };
  }
}
