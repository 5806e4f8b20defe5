import { randomUUID } from 'node:crypto';
import { type Server, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { serve } from '@hono/node-server';
import type { HttpLimits } from '../config/http-config.schema.js';
import type { ErrorCode } from '../core/errors.js';

export interface HttpServerOptions {
  fetch: (request: Request, env: unknown) => Response | Promise<Response>;
  hostname: string;
  port: number;
  limits: HttpLimits;
  onListening?: (info: AddressInfo) => void;
}

/**
 * The Node HTTP server behind every Lore process, with limits against bad and slow clients:
 * `maxHeaderSize` (431, or 414 when the request line alone overflows), the headers timeout (a client
 * trickling its headers, slowloris), the request timeout (the whole request, body included; the
 * response, an SSE stream for example, is not limited), the keep-alive timeout, and a header-count
 * cap one above LORE_HTTP_MAX_HEADERS so that `requestLimits` can refuse more. Timeouts are checked
 * every quarter of the headers timeout (at most every second) instead of Node's 30 s. Errors the
 * server answers itself (malformed requests, overflows, timeouts) carry the common JSON error shape.
 *
 * @example serveHttp({ fetch: http.fetch, hostname: '127.0.0.1', port: 7860, limits: config })
 */
export function serveHttp(options: HttpServerOptions): Server {
  const { limits } = options;
  const server = serve(
    {
      fetch: options.fetch,
      hostname: options.hostname,
      port: options.port,
      serverOptions: {
        maxHeaderSize: limits.httpMaxHeaderBytes,
        headersTimeout: limits.httpHeadersTimeoutMs,
        requestTimeout: limits.httpRequestTimeoutMs,
        keepAliveTimeout: limits.httpKeepAliveTimeoutMs,
        connectionsCheckingInterval: Math.max(
          50,
          Math.min(1_000, Math.floor(limits.httpHeadersTimeoutMs / 4)),
        ),
      },
    },
    options.onListening,
  ) as Server;
  server.maxHeadersCount = limits.httpMaxHeaders + 1;
  server.keepAliveTimeout = limits.httpKeepAliveTimeoutMs;
  server.on('clientError', (error: ClientError, socket: Socket) => answerClientError(error, socket, limits));
  return server;
}

type ClientError = Error & { code?: string; rawPacket?: Buffer; bytesParsed?: number };

/** Answers a request the server could not parse or that took too long, then closes the connection. */
function answerClientError(error: ClientError, socket: Socket, limits: HttpLimits): void {
  // The client is gone, or a response to this request has started: writing now would corrupt it.
  // (`_httpMessage` is the in-flight response; Node's own clientError handler checks it the same way.)
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] = describeClientError(error, limits);
  const body = JSON.stringify({ error: { code, message, requestId: randomUUID() } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // A client that never reads its answer does not keep the socket.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

function describeClientError(error: ClientError, limits: HttpLimits): [number, ErrorCode, string] {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    if (urlOverflowed(error, limits.httpMaxUrlBytes)) {
      return [
        414,
        'uri_too_long',
        `URL: longer than the limit of ${limits.httpMaxUrlBytes} bytes (LORE_HTTP_MAX_URL_BYTES)`,
      ];
    }
    return [
      431,
      'headers_too_large',
      `headers: the request head is larger than ${limits.httpMaxHeaderBytes} bytes (LORE_HTTP_MAX_HEADER_BYTES)`,
    ];
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [
      408,
      'request_timeout',
      `the request did not arrive in time: headers within ${limits.httpHeadersTimeoutMs} ms (LORE_HTTP_HEADERS_TIMEOUT_MS), the whole request within ${limits.httpRequestTimeoutMs} ms (LORE_HTTP_REQUEST_TIMEOUT_MS)`,
    ];
  }
  const reason = (error as { reason?: unknown }).reason;
  return [
    400,
    'invalid_request',
    `malformed HTTP request${typeof reason === 'string' ? ` (${reason})` : ''}`,
  ];
}

/**
 * True when the URL is what made the head too large: the head overflowed inside the request line
 * (the bytes parsed in this read have no line break and are the start of a request line or one long
 * token without the `: ` and spaces of a header line), or its request line carries a URL longer than
 * LORE_HTTP_MAX_URL_BYTES. (Node does not say which part overflowed.)
 */
function urlOverflowed(error: ClientError, maxUrlBytes: number): boolean {
  const packet = error.rawPacket;
  if (!packet) return false;
  const parsed = packet.subarray(0, error.bytesParsed ?? packet.length).toString('latin1');
  const lineEnd = parsed.indexOf('\n');
  if (lineEnd < 0) return /^[A-Z]+ \S/.test(parsed) || !/[: ]/.test(parsed);
  const target = /^[A-Z]+ (\S+) HTTP\/\d\.\d\r?$/.exec(parsed.slice(0, lineEnd))?.[1];
  return target !== undefined && target.length > maxUrlBytes;
}
