import { APICallError, InvalidPromptError, RetryError } from 'ai';
import { LoreError } from '../../../core/errors.js';

/** What {@link toProviderError} needs to write a useful, secret-free message. */
export interface ProviderErrorContext {
  kind: 'embedding' | 'chat' | 'rerank';
  /** Named provider (e.g. `Anthropic`); messages then read "The chat provider Anthropic (url)". */
  service?: string;
  /** Base URL without credentials or query. */
  url: string;
  model: string;
  /** Only used to redact it from server messages; never printed. */
  apiKey: string | undefined;
  apiKeySetting: string;
  /** The caller's signal fired. */
  cancelled: boolean;
  /** Set when our own time limit fired. */
  timedOutAfterMs: number | undefined;
  /** What to do when the input exceeds the model's context. */
  tooLongRemedy: string;
}

/** Maps an AI SDK / fetch failure from an OpenAI-compatible server to a LoreError without secrets. */
export function toProviderError(error: unknown, context: ProviderErrorContext): LoreError {
  if (LoreError.is(error)) return error;
  if (context.cancelled) return cancelled(context.kind);
  const server = context.service
    ? `The ${context.kind} provider ${context.service} (${context.url})`
    : `The ${context.kind} server at ${context.url}`;
  const details = { model: context.model, url: context.url };
  if (context.timedOutAfterMs !== undefined) {
    return new LoreError(
      'provider_unavailable',
      `${server} did not answer within ${context.timedOutAfterMs} ms.`,
      {
        details,
      },
    );
  }
  const last = RetryError.isInstance(error) ? error.lastError : error;
  if (!APICallError.isInstance(last)) {
    const text = redact(last instanceof Error ? last.message : String(last), context.apiKey).slice(0, 300);
    if (InvalidPromptError.isInstance(last)) {
      return new LoreError('invalid_request', `The ${context.kind} request is invalid: ${text}`, { details });
    }
    return new LoreError('provider_error', `${server} failed: ${text}`, { cause: last, details });
  }
  const status = last.statusCode;
  if (status === undefined) {
    const reason = networkReason(last.cause) ?? redact(last.message, context.apiKey);
    return new LoreError(
      'provider_unavailable',
      context.service
        ? `Cannot reach the ${context.kind} provider ${context.service} at ${context.url} (${reason}).`
        : `Cannot reach the ${context.kind} server at ${context.url} (${reason}). Is it running?`,
      {
        details,
      },
    );
  }
  const body = errorBody(last.data);
  const said = redact(body.message ?? last.message, context.apiKey);
  const withStatus = { details: { ...details, status } };
  if (
    status === 401 ||
    status === 403 ||
    body.code === 'invalid_api_key' ||
    body.type === 'authentication_error' ||
    /API[ _]KEY[ _]INVALID|API key not valid/i.test(`${said} ${body.reason ?? ''}`)
  ) {
    const problem = context.apiKey ? 'rejected the API key' : 'requires an API key, but none is set';
    return new LoreError(
      'provider_error',
      `${server} ${problem} (HTTP ${status}). Check ${context.apiKeySetting}.`,
      withStatus,
    );
  }
  if (
    status === 404 ||
    body.code === 'model_not_found' ||
    body.type === 'not_found_error' ||
    /model.*(not found|does not exist)|model identifier is invalid|unknown model|invalid model/i.test(said)
  ) {
    return new LoreError(
      'provider_error',
      `${server} does not know the model "${context.model}" (HTTP ${status}). Check the model name, that the server ` +
        'serves it (for Ollama: `ollama pull <model>`), and that the base URL ends with /v1.',
      withStatus,
    );
  }
  if (
    body.code === 'context_length_exceeded' ||
    /context length|context window|too many tokens|too long|exceeds the maximum number of tokens/i.test(said)
  ) {
    return new LoreError(
      'provider_error',
      `${server} refused an input longer than the model "${context.model}" accepts: ${said} ${context.tooLongRemedy}`,
      withStatus,
    );
  }
  if (status === 429) {
    return new LoreError(
      'provider_unavailable',
      `${server} is rate limiting requests (HTTP 429): ${said} Wait and retry, raise the quota, or configure a fallback model (LORE_LLM_FALLBACK_MODEL).`,
      withStatus,
    );
  }
  const code = status === 502 || status === 503 || status === 504 ? 'provider_unavailable' : 'provider_error';
  return new LoreError(code, `${server} failed with HTTP ${status}: ${said}`, withStatus);
}

export function cancelled(kind: ProviderErrorContext['kind'] | 'local model'): LoreError {
  return new LoreError('cancelled', `The ${kind} request was cancelled.`);
}

export function requireSetting(ok: boolean, message: string): void {
  if (!ok) throw new LoreError('invalid_config', message);
}

/** A base URL split for the AI SDK: query parameters travel separately so paths append correctly. */
export interface ProviderURL {
  /** `origin + path`, also safe to show: no user info, query or fragment (they may hold secrets). */
  baseURL: string;
  queryParams: Record<string, string> | undefined;
}

/** Validates a provider base URL; credentials in it are refused (fetch cannot send them anyway). */
export function parseProviderURL(baseURL: string, kind: ProviderErrorContext['kind']): ProviderURL {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new LoreError('invalid_config', `The ${kind} provider base URL is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LoreError(
      'invalid_config',
      `The ${kind} provider base URL must start with http:// or https://.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new LoreError(
      'invalid_config',
      `The ${kind} provider base URL must not contain a user name or password; set the API key instead.`,
    );
  }
  const queryParams = url.search === '' ? undefined : Object.fromEntries(url.searchParams);
  return { baseURL: `${url.origin}${url.pathname.replace(/\/$/, '')}`, queryParams };
}

/**
 * The `{ error: { message, code } }` body OpenAI documents (also `{ message }` as vLLM, Cohere and
 * Bedrock send, Anthropic's `{ error: { type, message } }` and Gemini's `{ error: { status, details } }`).
 */
function errorBody(data: unknown): { message?: string; code?: string; type?: string; reason?: string } {
  const root = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const inner =
    typeof root.error === 'object' && root.error !== null ? (root.error as Record<string, unknown>) : root;
  const pick = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const details = Array.isArray(inner.details) ? (inner.details as Record<string, unknown>[]) : [];
  return {
    message: pick(inner.message) ?? pick(root.error),
    code: pick(inner.code),
    type: pick(inner.type),
    reason: details.map((detail) => pick(detail.reason)).find(Boolean),
  };
}

function networkReason(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  return typeof code === 'string' ? code : undefined;
}

/** Removes the configured key, anything shaped like an OpenAI-style key (`sk-...`, even masked), and URL credentials and queries. */
function redact(text: string, apiKey: string | undefined): string {
  const withoutKey = apiKey ? text.split(apiKey).join('[redacted]') : text;
  return withoutKey
    .replace(/\b(sk|pk|rk)-[A-Za-z0-9_*.-]{3,}/g, '[redacted]')
    .replace(/\bAIza[0-9A-Za-z_-]{10,}/g, '[redacted]')
    .replace(/\/\/[^/\s@]+@/g, '//')
    .replace(/(https?:\/\/[^\s?#]*)[?#]\S*/g, '$1');
}
