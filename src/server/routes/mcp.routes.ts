import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Hono } from 'hono';
import { LoreError } from '../../core/errors.js';
import type { Logger } from '../../operations/logger.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { createLoreMcpServer, type McpDependencies } from '../mcp/lore.mcp-server.js';

const maxBodyBytes = 1024 * 1024;

/**
 * The MCP server over streamable HTTP at `/mcp`, stateless: every POST carries JSON-RPC messages and
 * gets JSON back, answered by a server built for the caller (bearer API key or JWT, through the
 * authentication middleware). GET and DELETE (server-initiated streams, sessions) answer 405.
 *
 * @example
 * registerMcpRoutes(http, { models, collections, access, search, chat, corsOrigins }, { logger });
 * // Claude Desktop: npx mcp-remote http://127.0.0.1:7860/mcp --header "Authorization: Bearer ${LORE_API_KEY}"
 */
export function registerMcpRoutes(
  router: Hono<AppEnv>,
  deps: McpDependencies & { corsOrigins: readonly string[] },
  options: { logger?: Logger } = {},
): void {
  router.post('/mcp', async (c) => {
    const origin = c.req.header('origin');
    if (origin && !sameHost(origin, c.req.header('host')) && !deps.corsOrigins.includes(origin)) {
      // DNS rebinding / cross-site pages: the MCP spec asks servers to check Origin (LORE_CORS_ORIGINS are allowed).
      throw new LoreError('forbidden', `requests from origin ${origin} are not allowed`);
    }
    const principal = principalOf(c);
    await deps.access.readFilter(principal);
    const server = createLoreMcpServer(deps, principal, options);
    // A JSON body was read by the strict JSON reader (json-body.middleware.ts); other media types
    // reach the transport unread, which refuses them with 415.
    const body = c.get('jsonBody');
    if (body && body.value === undefined) {
      throw new LoreError('invalid_request', 'body: empty; POST a JSON-RPC message', {
        details: { param: 'body' },
      });
    }
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: maxBodyBytes,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw, body ? { parsedBody: body.value } : undefined);
    } finally {
      await server.close();
    }
  });
  router.on(['GET', 'DELETE'], '/mcp', (c) => {
    c.header('Allow', 'POST');
    return c.json(
      {
        jsonrpc: '2.0',
        error: {
          code: -32000,
          message: 'Method not allowed: this MCP server is stateless; POST JSON-RPC messages to /mcp',
        },
        id: null,
      },
      405,
    );
  });
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
