import type { IncomingMessage } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { LoreError } from '../../core/errors.js';

/** An address that passed the policy: the connection goes there and nowhere else. */
export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/** A `lookup` that answers every question with the checked address, so no second DNS answer is used. */
function pinnedLookup(target: CheckedAddress): LookupFunction {
  // Node's LookupFunction overloads (all: true or not) cannot be expressed without a cast.
  const lookup = (
    _hostname: string,
    options: { all?: boolean },
    callback: (error: Error | null, address: unknown, family?: number) => void,
  ) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  return lookup as unknown as LookupFunction;
}

/**
 * Sends one GET to `url` over a fresh connection pinned to `target` (TLS still verifies the URL's
 * host name). The connection must open within `connectTimeoutMs`, and the peer must be the checked
 * address, or the request fails before anything is sent.
 */
export function pinnedRequest(
  url: URL,
  target: CheckedAddress,
  headers: Record<string, string>,
  connectTimeoutMs: number,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      url,
      { method: 'GET', headers, signal, agent: false, lookup: pinnedLookup(target) },
      resolve,
    );
    request.on('socket', (socket: Socket) => {
      const timer = setTimeout(
        () =>
          request.destroy(
            new LoreError(
              'request_timeout',
              `could not connect to ${url.host} within ${connectTimeoutMs} ms`,
            ),
          ),
        connectTimeoutMs,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        const peer = socket.remoteAddress?.replace(/^::ffff:/, '');
        if (peer !== undefined && peer !== target.address.replace(/^::ffff:/, '')) {
          request.destroy(
            new LoreError(
              'forbidden',
              `connection to ${url.host} reached ${peer}, not the checked ${target.address}`,
            ),
          );
        }
      });
      socket.once('close', () => clearTimeout(timer));
    });
    request.on('error', reject);
    request.end();
  });
}
