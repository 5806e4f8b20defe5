import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthKit } from '../auth/auth-kit.js';
import type { AppEnv } from '../http-env.js';
import { registerApiKeyRoutes } from './api-keys.routes.js';
import { registerAuditRoutes } from './audit.routes.js';
import { registerAuthRoutes } from './auth.routes.js';
import { registerGrantRoutes } from './grants.routes.js';
import { registerGroupRoutes } from './groups.routes.js';
import { registerUserRoutes } from './users.routes.js';

/** Sign-in, users, groups, API keys, collection grants and the audit log. */
export function registerIdentityRoutes(router: OpenAPIHono<AppEnv>, kit: AuthKit): void {
  registerAuthRoutes(router, kit);
  registerUserRoutes(router, kit);
  registerGroupRoutes(router, kit);
  registerApiKeyRoutes(router, kit);
  registerGrantRoutes(router, { sharing: kit.app.sharing, actor: kit.actor });
  registerAuditRoutes(router, kit);
}
