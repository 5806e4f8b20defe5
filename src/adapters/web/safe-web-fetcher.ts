import { lookup } from 'node:dns/promises';
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import { LoreError, toLoreError } from '../../core/errors.js';
import type { WebFetcher, WebFetchRequest, WebFetchResult } from '../../ports/web-fetcher.port.js';
import { type AllowList, checkAddress, isMetadataHostname, parseAllowList } from './address-policy.js';
import { type CheckedAddress, pinnedRequest } from './pinned-request.js';

/** Resolves a host name to every address it has (dns.lookup with `all`, by default). */
export type HostResolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface SafeWebFetcherOptions {
  /** `LORE_WEB_ALLOW_HOSTS` entries: host names, `*.suffix`, addresses, CIDRs. */
  allowHosts: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxRedirects: number;
  userAgent: string;
  resolve?: HostResolver;
}

/** The document types Lore parses (a trailing `*` matches a prefix). */
export const documentContentTypes: readonly string[] = [
  'text/html',
  'application/xhtml+xml',
  'text/plain',
  'text/markdown',
  'text/x-markdown',
  'text/csv',
  'application/pdf',
  'application/rtf',
  'text/rtf',
  'application/epub+zip',
  'application/vnd.openxmlformats-officedocument.*',
  'application/vnd.oasis.opendocument.*',
  'application/vnd.ms-excel',
];

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

const defaultResolve: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * The SSRF-safe fetcher: resolves the host first and checks every address against the policy,
 * connects only to the checked address (DNS rebinding cannot swap it), follows redirects itself and
 * checks every hop again, and bounds size (streamed), time (connect and total), redirects and
 * content types.
 */
export class SafeWebFetcher implements WebFetcher {
  private readonly allowList: AllowList;
  private readonly resolve: HostResolver;

  constructor(private readonly options: SafeWebFetcherOptions) {
    this.allowList = parseAllowList(options.allowHosts);
    this.resolve = options.resolve ?? defaultResolve;
  }

  /** Fetches one URL (see the WebFetcher port for outcomes and errors). */
  async fetch(request: WebFetchRequest): Promise<WebFetchResult> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    let url = parseWebUrl(request.url);
    try {
      for (let hop = 0; ; hop++) {
        const target = await this.checkedAddress(url);
        signal.throwIfAborted();
        const response = await pinnedRequest(
          url,
          target,
          this.headers(request),
          this.options.connectTimeoutMs,
          signal,
        );
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (redirectStatuses.has(status) && location) {
          response.resume();
          if (hop >= this.options.maxRedirects) {
            throw new LoreError(
              'provider_error',
              `${request.url}: more than ${this.options.maxRedirects} redirects`,
            );
          }
          url = parseWebUrl(new URL(location, url).href);
          continue;
        }
        return await this.outcome(url, response, request.accept ?? documentContentTypes);
      }
    } catch (error) {
      throw this.describe(error, request.url, timeout, request.signal);
    }
  }

  /** Throws `invalid_request` for a malformed URL and `forbidden` for an address the policy refuses. */
  async check(url: string): Promise<void> {
    await this.checkedAddress(parseWebUrl(url));
  }

  /** Resolves the URL's host and returns the address to connect to, or throws `forbidden`. */
  private async checkedAddress(url: URL): Promise<CheckedAddress> {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    if (isMetadataHostname(hostname)) {
      throw new LoreError(
        'forbidden',
        `${url.href}: ${hostname} is a cloud metadata host; Lore never fetches it`,
      );
    }
    let addresses: { address: string; family: number }[];
    if (ipaddr.isValid(hostname)) addresses = [{ address: hostname, family: hostname.includes(':') ? 6 : 4 }];
    else {
      try {
        addresses = await this.resolve(hostname);
      } catch (error) {
        throw new LoreError('provider_error', `${url.href}: cannot resolve ${hostname}`, { cause: error });
      }
    }
    if (addresses.length === 0)
      throw new LoreError('provider_error', `${url.href}: ${hostname} has no address`);
    for (const { address } of addresses) {
      const reason = checkAddress(this.allowList, hostname, address);
      if (reason !== undefined) {
        throw new LoreError(
          'forbidden',
          `${url.href}: ${hostname} resolves to ${address}, ${reason}; Lore fetches public addresses only (LORE_WEB_ALLOW_HOSTS opens intranet hosts)`,
          { details: { url: url.href, address } },
        );
      }
    }
    const first = addresses[0] as { address: string; family: number };
    return { address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  private headers(request: WebFetchRequest): Record<string, string> {
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept: 'text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.5',
      'accept-encoding': 'identity',
    };
    if (request.etag) headers['if-none-match'] = request.etag;
    if (request.lastModified) headers['if-modified-since'] = request.lastModified;
    return headers;
  }

  private async outcome(
    url: URL,
    response: IncomingMessage,
    accept: readonly string[],
  ): Promise<WebFetchResult> {
    const status = response.statusCode ?? 0;
    if (status === 304) {
      response.resume();
      return { status: 'not-modified', url: url.href };
    }
    if (status === 404 || status === 410) {
      response.resume();
      return { status: 'gone', url: url.href, httpStatus: status };
    }
    if (status < 200 || status > 299) {
      response.resume();
      throw new LoreError('provider_error', `${url.href} answered HTTP ${status}`, {
        details: { httpStatus: status },
      });
    }
    const contentType = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!acceptsType(accept, contentType)) {
      response.destroy();
      throw new LoreError(
        'unsupported_media_type',
        `${url.href} is ${contentType || 'of no stated type'}, which Lore does not ingest`,
      );
    }
    const bytes = await readLimited(response, this.options.maxBytes, url.href);
    const etag = response.headers.etag;
    const lastModified = response.headers['last-modified'];
    return {
      status: 'ok',
      url: url.href,
      contentType,
      bytes,
      ...(etag ? { etag } : {}),
      ...(lastModified ? { lastModified } : {}),
    };
  }

  private describe(error: unknown, url: string, timeout: AbortSignal, caller?: AbortSignal): LoreError {
    if (LoreError.is(error)) return error;
    if (caller?.aborted) return new LoreError('cancelled', `fetching ${url} was cancelled`, { cause: error });
    if (timeout.aborted) {
      return new LoreError(
        'request_timeout',
        `${url}: no complete answer within ${this.options.timeoutMs} ms`,
        {
          cause: error,
        },
      );
    }
    const wrapped = toLoreError(error, 'provider_error');
    return new LoreError(wrapped.code, `${url}: ${wrapped.message}`, { cause: error });
  }
}

/** Parses a URL to fetch: http(s) only, no embedded credentials. */
export function parseWebUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LoreError('invalid_request', `${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LoreError('invalid_request', `${url.href}: only http and https URLs are fetched`);
  }
  if (url.username || url.password) {
    throw new LoreError(
      'invalid_request',
      `${url.protocol}//${url.host}: URLs with credentials are not fetched`,
    );
  }
  url.hash = '';
  return url;
}

function acceptsType(accept: readonly string[], contentType: string): boolean {
  return accept.some((entry) =>
    entry.endsWith('*') ? contentType.startsWith(entry.slice(0, -1)) : contentType === entry,
  );
}

/** Reads a response body, aborting as soon as it passes `maxBytes`. */
async function readLimited(response: IncomingMessage, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers['content-length']);
  const tooLarge = () =>
    new LoreError('payload_too_large', `${url} is larger than ${maxBytes} bytes (LORE_WEB_MAX_BYTES)`);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
