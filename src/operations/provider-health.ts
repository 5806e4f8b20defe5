import type { LoreError } from '../core/errors.js';

export type ProviderName = 'llm' | 'embedder';

export interface ProviderCheck {
  status: 'ok' | 'degraded' | 'fail';
  /** What is configured (`openai-compatible:llama3.1`). */
  provider?: string;
  reason?: string;
  lastErrorAt?: string;
}

/**
 * What Lore knows about its providers without calling them: whether they are configured and built,
 * and the outcome of the last real call. `/readyz` reads it, so a probe never costs a paid request.
 * A failing provider makes the check `degraded`, not `fail`: search and extractive answers still
 * work, and an unready replica would receive no traffic that could show the provider recovered.
 */
export class ProviderHealth {
  private readonly last = new Map<ProviderName, { error?: LoreError; at: Date }>();

  /** Records a successful call. */
  succeeded(provider: ProviderName): void {
    this.last.set(provider, { at: new Date() });
  }

  /** Records a failed call (its message is written for users and holds no secrets). */
  failed(provider: ProviderName, error: LoreError): void {
    this.last.set(provider, { error, at: new Date() });
  }

  /**
   * The check of one provider: `fail` when it is configured but was not built (a configuration
   * problem), `degraded` after a failed last call, `ok` otherwise.
   */
  check(provider: ProviderName, configured: boolean, built: { id: string } | undefined): ProviderCheck {
    if (!configured) return { status: 'ok', reason: 'not configured' };
    if (!built) return { status: 'fail', reason: 'configured but not available' };
    const last = this.last.get(provider);
    if (last?.error) {
      return {
        status: 'degraded',
        provider: built.id,
        reason: `${last.error.code}: ${last.error.message}`,
        lastErrorAt: last.at.toISOString(),
      };
    }
    return { status: 'ok', provider: built.id };
  }
}
