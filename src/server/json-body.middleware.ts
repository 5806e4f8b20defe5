import type { Context, MiddlewareHandler } from 'hono';
import { LoreError } from '../core/errors.js';
import type { AppEnv } from './http-env.js';
import { parseStrictJson } from './strict-json.js';

export interface JsonBodyOptions {
  /** Largest body in bytes (LORE_HTTP_MAX_JSON_BYTES); a larger one is a 413. */
  maxBytes: number;
  /** Deepest nesting of objects and arrays (LORE_HTTP_MAX_JSON_DEPTH). */
  maxDepth: number;
  /** Paths whose body is read as JSON whatever its Content-Type (e.g. `/v1/chat/completions`, which curl -d reaches as a form). */
  jsonOnlyPaths?: ReadonlySet<string>;
}

const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const jsonMediaType = /^application\/([\w.-]+\+)?json$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The one reader of JSON request bodies (REST, OpenAI-compatible, MCP): reads at most `maxBytes`
 * (413 beyond, before reading further when Content-Length says so), requires UTF-8, and parses with
 * `parseStrictJson` (duplicate keys, `__proto__`/`constructor`/`prototype` keys, deep nesting, NUL
 * and lone surrogates are a 400 naming the field). Afterwards `c.req.json()` returns the parsed
 * value (undefined for an empty body) and `c.var.jsonBody` holds it. Requests without a JSON body
 * pass untouched; a route that needs JSON refuses them with 415.
 *
 * @example http.use(jsonBody({ maxBytes: 2 * 1024 * 1024, maxDepth: 32, jsonOnlyPaths: new Set(['/v1/chat/completions']) }))
 */
export function jsonBody(options: JsonBodyOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!bodyMethods.has(c.req.method) || !c.req.raw.body) return next();
    const contentType = c.req.header('content-type') ?? '';
    const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
    const declaredJson = jsonMediaType.test(mediaType);
    if (!declaredJson && !options.jsonOnlyPaths?.has(c.req.path)) return next();
    const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice(8);
    if (declaredJson && charset && !['utf-8', 'utf8', '"utf-8"'].includes(charset)) {
      throw new LoreError(
        'unsupported_media_type',
        `Content-Type: JSON bodies must be UTF-8 (charset=${charset.slice(0, 40)} is not accepted)`,
      );
    }
    const bytes = await readLimited(c, options.maxBytes);
    let text = '';
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new LoreError('invalid_request', 'body: the JSON body is not valid UTF-8');
    }
    const value = text === '' ? undefined : parseStrictJson(text, options);
    c.set('jsonBody', { value });
    // Hono types its body cache as Body's methods; at run time it holds the promises they return.
    (c.req.bodyCache as Record<string, Promise<unknown>>).text = Promise.resolve(text);
    c.req.json = <T>() => Promise.resolve(value as T);
    return next();
  };
}

/** The request body, refusing it with 413 once it is larger than `maxBytes`. */
async function readLimited(c: Context<AppEnv>, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => {
    // Stop reading: the connection closes after the answer instead of draining the rest of the body.
    c.header('Connection', 'close');
    return new LoreError(
      'payload_too_large',
      `body: the JSON body is larger than ${maxBytes} bytes (LORE_HTTP_MAX_JSON_BYTES)`,
    );
  };
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const reader = c.req.raw.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
