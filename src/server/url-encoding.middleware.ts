import type { MiddlewareHandler } from 'hono';
import { LoreError } from '../core/errors.js';
import type { AppEnv } from './http-env.js';

export interface UrlEncodingOptions {
  /** Route patterns (`/api/v1/documents/:id`), to name the path parameter a bad segment stands for. */
  routePatterns?: () => readonly string[];
}

/**
 * Refuses, with a 400 naming the path parameter or query parameter, a URL whose percent-encoding
 * does not decode to text: a `%` without two hex digits, bytes that are not UTF-8 (`%ff%fe`, overlong
 * forms such as `%c0%af`, encoded surrogates such as `%ed%a0%80`), or a NUL (`%00`). Without it
 * Hono keeps such a value undecoded and `?q=%ff%fe` is searched as the terms `ff` and `fe`.
 *
 * @example http.use(urlEncoding({ routePatterns: () => http.routes.map((route) => route.path) }))
 */
export function urlEncoding(options: UrlEncodingOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { path, query } = splitUrl(c.req.url);
    const segments = path.split('/');
    segments.forEach((segment, index) => {
      const problem = encodingProblem(segment, false);
      if (!problem) return;
      const name = paramNameAt(options.routePatterns?.() ?? [], segments, index);
      const field = name ? `path parameter ${name}` : `path segment ${index}`;
      throw new LoreError('invalid_request', `${field}: ${problem}`, { details: { param: name ?? 'path' } });
    });
    for (const pair of query.split('&')) {
      if (pair === '') continue;
      const equals = pair.indexOf('=');
      const rawName = equals < 0 ? pair : pair.slice(0, equals);
      const nameProblem = encodingProblem(rawName, true);
      if (nameProblem) throw new LoreError('invalid_request', `query parameter name: ${nameProblem}`);
      const name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      const valueProblem = equals < 0 ? undefined : encodingProblem(pair.slice(equals + 1), true);
      if (valueProblem) {
        throw new LoreError('invalid_request', `query parameter ${shown(name)}: ${valueProblem}`, {
          details: { param: name },
        });
      }
    }
    return next();
  };
}

/** Why a path segment or query component does not decode to text, or undefined when it does. */
export function encodingProblem(raw: string, plusIsSpace: boolean): string | undefined {
  if (!raw.includes('%')) return undefined;
  if (/%(?![0-9a-fA-F]{2})/.test(raw)) return `"${shown(raw)}" has a % not followed by two hex digits`;
  let decoded: string;
  try {
    decoded = decodeURIComponent(plusIsSpace ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    return `"${shown(raw)}" is not percent-encoded UTF-8 (invalid, overlong or surrogate byte sequence)`;
  }
  if (decoded.includes('\u0000')) return `"${shown(raw)}" contains a NUL character (%00)`;
  return undefined;
}

/** The request target of a full URL: path and query, still percent-encoded. */
export function requestTarget(url: string): string {
  const afterScheme = url.indexOf('://');
  const start = url.indexOf('/', afterScheme < 0 ? 0 : afterScheme + 3);
  return start < 0 ? '/' : url.slice(start);
}

function splitUrl(url: string): { path: string; query: string } {
  const target = requestTarget(url);
  const mark = target.indexOf('?');
  return mark < 0
    ? { path: target, query: '' }
    : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

/** The parameter name (`id`) that segment `index` of the request path fills in the first matching pattern. */
function paramNameAt(patterns: readonly string[], segments: string[], index: number): string | undefined {
  for (const pattern of patterns) {
    const parts = pattern.split('/');
    let name: string | undefined;
    let matched = parts.length === segments.length;
    for (let i = 0; i < parts.length && i < segments.length; i++) {
      const part = parts[i]!;
      if (part.startsWith(':')) {
        const bare = part
          .slice(1)
          .replace(/\{.*\}$/, '')
          .replace(/\?$/, '');
        // `:model{.+}` takes the rest of the path.
        if (part.endsWith('{.+}') && i === parts.length - 1) {
          if (index >= i) name = bare;
          matched = segments.length >= parts.length;
          break;
        }
        if (i === index) name = bare;
      } else if (part !== segments[i]) {
        matched = false;
        break;
      }
    }
    if (matched && name) return name;
  }
  return undefined;
}

function shown(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
