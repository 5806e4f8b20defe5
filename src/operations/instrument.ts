import type { LoreApp } from '../app/create-app.js';
import { LoreError, toLoreError } from '../core/errors.js';
import type { SearchRequest } from '../core/search/search.service.js';
import type { GenerateRequest, GenerateStream } from '../ports/language-model.port.js';
import type { LoreMetrics } from './metrics.js';
import type { ProviderHealth } from './provider-health.js';
import { currentRequest } from './request-context.js';

/**
 * Adds metrics and provider health tracking to a built app, once, at `lore serve` start-up: every
 * retrieval (searches and the retrieval step of answers) reports its timings, every language model
 * call its latency and tokens for the current user, every provider failure its code. The services
 * are decorated in place (the ask service holds the same search service and model objects), so no
 * use-case knows about metrics.
 */
export function instrumentApp(
  app: Pick<LoreApp, 'search' | 'languageModel' | 'embedder'>,
  metrics: LoreMetrics,
  health: ProviderHealth,
): void {
  const search = app.search.search.bind(app.search);
  app.search.search = async (request: SearchRequest) => {
    const result = await search(request);
    metrics.observeSearch(result.timings);
    return result;
  };

  const model = app.languageModel;
  if (model) {
    const stream = model.stream.bind(model);
    Object.defineProperty(model, 'stream', {
      configurable: true,
      value: (request: GenerateRequest): GenerateStream => {
        const started = performance.now();
        const userId = currentRequest()?.userId();
        const inner = stream(request);
        const failed = (error: unknown) => {
          const code = toLoreError(error, 'provider_error').code;
          if (code === 'cancelled') return;
          health.failed('llm', toLoreError(error, 'provider_error'));
          metrics.countError(code, 'provider');
          metrics.observeAnswer({
            ...(userId ? { userId } : {}),
            model: model.id,
            ms: performance.now() - started,
            outcome: 'error',
          });
        };
        async function* textStream(): AsyncGenerator<string> {
          try {
            yield* inner.textStream;
          } catch (error) {
            failed(error);
            throw error;
          }
        }
        const usage = inner.usage.then((tokens) => {
          health.succeeded('llm');
          metrics.observeAnswer({
            ...(userId ? { userId } : {}),
            model: model.id,
            ms: performance.now() - started,
            ...(tokens.inputTokens === undefined ? {} : { inputTokens: tokens.inputTokens }),
            ...(tokens.outputTokens === undefined ? {} : { outputTokens: tokens.outputTokens }),
          });
          return tokens;
        });
        return { textStream: textStream(), usage };
      },
    });
  }

  const embedder = app.embedder;
  if (embedder) {
    const embed = embedder.embed.bind(embedder);
    Object.defineProperty(embedder, 'embed', {
      configurable: true,
      value: async (...args: Parameters<typeof embed>) => {
        try {
          const vectors = await embed(...args);
          health.succeeded('embedder');
          return vectors;
        } catch (error) {
          const loreError = LoreError.is(error) ? error : toLoreError(error, 'provider_error');
          if (loreError.code !== 'cancelled') {
            health.failed('embedder', loreError);
            metrics.countError(loreError.code, 'provider');
          }
          throw error;
        }
      },
    });
  }
}
