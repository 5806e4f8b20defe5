import type { OpenAPIHono } from '@hono/zod-openapi';
import type { LoreApp } from '../app/create-app.js';
import { LoreError } from '../core/errors.js';
import type { Logger } from '../operations/logger.js';
import { createAuthKit } from './auth/auth-kit.js';
import { authenticate } from './auth/authenticate.middleware.js';
import { rateLimit } from './auth/rate-limit.js';
import { corsAllowList, securityHeaders } from './auth/security-headers.middleware.js';
import type { AppEnv } from './http-env.js';
import { errorReply } from './http-errors.js';
import { jsonBody } from './json-body.middleware.js';
import { respondWithOpenAiError } from './openai/openai.wire.js';
import { createRouter, openApiInfo, registerSecuritySchemes } from './openapi.js';
import { type OpsOptions, registerOps } from './ops.routes.js';
import { requestLimits } from './request-limits.middleware.js';
import { registerAnalyticsRoutes } from './routes/analytics.routes.js';
import { registerAskRoutes } from './routes/ask.routes.js';
import { registerCollectionRoutes } from './routes/collections.routes.js';
import { registerConnectorRoutes } from './routes/connectors.routes.js';
import { registerConversationRoutes } from './routes/conversations.routes.js';
import { registerDocumentRoutes } from './routes/documents.routes.js';
import { registerEvaluationRoutes } from './routes/evaluations.routes.js';
import { registerIdentityRoutes } from './routes/identity.routes.js';
import { registerJobRoutes } from './routes/jobs.routes.js';
import { registerMcpRoutes } from './routes/mcp.routes.js';
import { isOpenAiPath, registerOpenAiRoutes } from './routes/openai.routes.js';
import { registerSearchRoutes } from './routes/search.routes.js';
import { registerSettingsRoutes } from './routes/settings.routes.js';
import { urlEncoding } from './url-encoding.middleware.js';
import { registerLandingPage, registerWebUi } from './web-ui.js';

/** What the HTTP layer needs beyond the app. */
export interface ServerOptions {
  notifyWorker?: () => void;
  logger?: Logger;
  /** Metrics, provider health and drain state shared with the process (see server-process.ts). */
  ops?: OpsOptions;
  /** One-time token allowing `POST /api/v1/auth/setup` (printed by `lore serve` when no user exists). */
  setupToken?: string;
}

/**
 * The HTTP surface: REST under `/api/v1` (OpenAPI 3.1 at `/api/v1/openapi.json`), the web page at
 * `/`, probes. Errors share one JSON shape `{error:{code,message,requestId}}`.
 */
export function createRoutes(app: LoreApp, options: ServerOptions = {}): OpenAPIHono<AppEnv> {
  const { logger } = options;
  const http = createRouter();
  registerOps(http, app, { ...options.ops, ...(logger ? { logger } : {}) });
  http.onError((error, c) =>
    isOpenAiPath(c.req.path) ? respondWithOpenAiError(c, error) : errorReply(c, error, logger),
  );
  http.notFound((c) =>
    errorReply(c, new LoreError('not_found', `no route ${c.req.method} ${c.req.path}`), logger),
  );
  const auth = createAuthKit(app, options.setupToken ? { setupToken: options.setupToken } : {});
  http.use(securityHeaders({ isSecure: (c) => auth.origin(c).secure }));
  http.use(corsAllowList(app.config.corsOrigins));
  const { config } = app;
  http.use(requestLimits({ maxUrlBytes: config.httpMaxUrlBytes, maxHeaders: config.httpMaxHeaders }));
  http.use(urlEncoding({ routePatterns: () => http.routes.map((route) => route.path) }));
  http.use(authenticate(auth));
  http.use(
    rateLimit({
      perMinute: app.config.rateLimitPerMinute,
      askPerMinute: app.config.askRateLimitPerMinute,
      anonymousPerMinute: app.config.anonymousRateLimitPerMinute,
      clientIp: (c) => auth.origin(c).ip,
    }),
  );
  // The one JSON body reader, after authentication so that anonymous bodies are never read.
  http.use(
    jsonBody({
      maxBytes: config.httpMaxJsonBytes,
      maxDepth: config.httpMaxJsonDepth,
      jsonOnlyPaths: new Set(['/v1/chat/completions']),
    }),
  );

  http.get('/healthz', (c) => c.json({ status: 'ok' }));

  registerSearchRoutes(http, app);
  registerAskRoutes(http, app);
  registerIdentityRoutes(http, auth);
  const models = app.knowledgeModels;
  registerOpenAiRoutes(http, { models, chat: app.chat }, logger ? { logger } : {});
  registerMcpRoutes(
    http,
    {
      models,
      collections: app.collections,
      access: app.access,
      search: app.search,
      chat: app.chat,
      corsOrigins: config.corsOrigins,
    },
    logger ? { logger } : {},
  );
  registerCollectionRoutes(http, { collections: app.collections });
  registerDocumentRoutes(http, {
    documents: app.documents,
    uploads: config,
    notify: options.notifyWorker ?? (() => undefined),
  });
  registerJobRoutes(http, app);
  registerConnectorRoutes(http, app);
  registerConversationRoutes(http, app);
  registerAnalyticsRoutes(http, app);
  registerSettingsRoutes(http, app);
  registerEvaluationRoutes(http, app, options.notifyWorker ?? (() => undefined));

  registerSecuritySchemes(http);
  http.doc31('/api/v1/openapi.json', openApiInfo);
  registerLandingPage(http);
  registerWebUi(http);
  return http;
}
