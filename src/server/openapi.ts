import { OpenAPIHono, z } from '@hono/zod-openapi';
import { errorCodes, LoreError } from '../core/errors.js';
import type { AppEnv } from './http-env.js';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z
        .enum(errorCodes)
        .openapi({ example: 'invalid_request', description: 'a stable machine-readable code' }),
      message: z.string(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

/** An error response in the common shape `{error:{code,message,requestId}}`. */
export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** A JSON response of a route. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The error responses most routes can give; spread into a route's `responses`. */
export const commonErrors = {
  400: errorResponse('The request is malformed; the message says what to fix'),
  401: errorResponse('No valid credential'),
  403: errorResponse('The credential does not allow this'),
  404: errorResponse('Not found (or not readable by the caller)'),
  429: errorResponse('Too many requests; retry after the Retry-After header'),
  503: errorResponse(
    'The database is unavailable (storage_unavailable: down, restarting, or locked by another process); retry after the Retry-After header',
  ),
} as const;

/** Security requirement of routes that need a signed-in caller (cookie session, bearer JWT or API key). */
export const signedIn: Record<string, string[]>[] = [{ cookieAuth: [] }, { bearerAuth: [] }];

/** A router whose request validation failures become one precise 400 in the common error shape. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new LoreError('invalid_request', describeIssues(result.error.issues));
    },
  });
}

/** `field: problem; other: problem` from zod issues. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}

/** Metadata of the generated OpenAPI document. */
export const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Lore API',
    version: '1',
    description:
      'Self-hosted knowledge assistant: documents, collections, hybrid search and streamed answers with span-level citations.',
  },
  servers: [{ url: '/' }],
};

/** Registers the security schemes referenced by `signedIn`. */
export function registerSecuritySchemes(router: OpenAPIHono<AppEnv>): void {
  router.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: 'lore_session',
    description: 'Browser session; state-changing requests also need the X-CSRF-Token header',
  });
  router.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (lore_…) or a JWT from the configured issuer',
  });
}
