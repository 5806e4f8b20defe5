import type { Context } from 'hono';

/** Transport facts of a request, honouring one trusted proxy when `LORE_TRUST_PROXY` is set. */
export interface RequestOrigin {
  /** The client's address (the proxy's when no proxy is trusted). */
  ip: string;
  /** The request reached the server (or the trusted proxy) over TLS. */
  secure: boolean;
}

/**
 * Where a request came from. Without a trusted proxy, the socket address and the URL scheme; with one,
 * the last X-Forwarded-For entry (the one the proxy appended) and X-Forwarded-Proto.
 *
 * @example requestOrigin(c, { trustProxy: true }) // { ip: '203.0.113.9', secure: true }
 */
export function requestOrigin(c: Context, options: { trustProxy: boolean }): RequestOrigin {
  const socket = socketOf(c);
  const socketIp = socket?.remoteAddress ?? 'unknown';
  let ip = socketIp.replace(/^::ffff:/, '');
  let secure = new URL(c.req.url).protocol === 'https:' || socket?.encrypted === true;
  if (options.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last && /^[0-9a-fA-F:.]{2,45}$/.test(last)) ip = last.replace(/^::ffff:/, '');
    const proto = c.req.header('x-forwarded-proto')?.split(',').at(-1)?.trim().toLowerCase();
    if (proto) secure = proto === 'https';
  }
  return { ip, secure };
}

function socketOf(c: Context): { remoteAddress?: string; encrypted?: boolean } | undefined {
  // @hono/node-server puts the Node request in `c.env.incoming`; in-process tests have no socket.
  const env = c.env as
    | { incoming?: { socket?: { remoteAddress?: string; encrypted?: boolean } } }
    | undefined;
  return env?.incoming?.socket;
}
