import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { requireScope } from '../../core/identity/access.service.js';
import type { AuthKit } from '../auth/auth-kit.js';
import { AuditEntrySchema, json } from '../auth/identity.schemas.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';

const list = createRoute({
  method: 'get',
  path: '/api/v1/audit',
  tags: ['audit'],
  summary: 'The audit log, newest first (administrators); page with `before`',
  security: signedIn,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      before: z.coerce.number().int().min(1).optional().openapi({ description: 'entries with a smaller id' }),
      action: z.string().max(100).optional().openapi({ example: 'sign-in.failure' }),
    }),
  },
  responses: {
    200: json(
      z.object({ entries: z.array(AuditEntrySchema), nextBefore: z.number().int().optional() }),
      'Entries; pass nextBefore as before for the next page',
    ),
    ...commonErrors,
  },
});

/** Sign-ins, sign-outs, account, key, group and grant changes, deletions. */
export function registerAuditRoutes(router: OpenAPIHono<AppEnv>, kit: AuthKit): void {
  router.openapi(list, async (c) => {
    requireScope(principalOf(c), 'admin');
    const { limit, before, action } = c.req.valid('query');
    const entries = await kit.app.audit.list({
      limit,
      ...(before !== undefined ? { before } : {}),
      ...(action ? { action } : {}),
    });
    const last = entries.at(-1);
    return c.json({ entries, ...(entries.length === limit && last ? { nextBefore: last.id } : {}) }, 200);
  });
}
