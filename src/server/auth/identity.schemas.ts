import { z } from '@hono/zod-openapi';
import { maximumPasswordLength } from '../../core/identity/password.js';

/** Request and response schemas of the identity routes (users, groups, keys, grants, audit). */

export const Email = z
  .string()
  .max(320)
  .trim()
  .toLowerCase()
  .pipe(z.email('is not an email address'))
  .openapi({ format: 'email' });
/** Length and content rules are checked by the password policy, with precise messages. */
export const Password = z
  .string()
  .max(maximumPasswordLength, `is longer than ${maximumPasswordLength} characters`);
export const RoleSchema = z.enum(['admin', 'member']);
export const ScopeSchema = z.enum(['read', 'write', 'admin']);

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    createdAt: z.string(),
    lastLoginAt: z.string().optional(),
  })
  .openapi('User');

export const MeSchema = z
  .object({
    userManagement: z.boolean().openapi({ description: 'false: every caller is the local user' }),
    user: UserSchema.optional(),
    role: RoleSchema,
    via: z.enum(['session', 'jwt', 'api-key', 'local']),
    scopes: z.array(ScopeSchema),
    groupIds: z.array(z.string()),
    csrfToken: z
      .string()
      .optional()
      .openapi({ description: 'send as X-CSRF-Token on state-changing requests (cookie sessions only)' }),
  })
  .openapi('Me');

export const SignedInSchema = z
  .object({ user: UserSchema, csrfToken: z.string(), expiresAt: z.string() })
  .openapi('SignedIn');

export const GroupSchema = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string() })
  .openapi('Group');

export const ApiKeySchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(ScopeSchema),
    createdAt: z.string(),
    expiresAt: z.string().optional(),
    lastUsedAt: z.string().optional(),
  })
  .openapi('ApiKey');

export const GrantSchema = z
  .strictObject({
    granteeType: z.enum(['user', 'group']),
    granteeId: z.string().min(1).max(320).openapi({ description: 'user id (or email) or group id' }),
    permission: z.enum(['reader', 'editor']),
  })
  .openapi('Grant');

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actorId: z.string().optional(),
    action: z.string(),
    target: z.string().optional(),
    details: z.record(z.string(), z.unknown()),
    ip: z.string().optional(),
  })
  .openapi('AuditEntry');

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
