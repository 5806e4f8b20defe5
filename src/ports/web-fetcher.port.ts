/** What the core asks of the web: one URL, fetched safely (the adapter enforces the SSRF policy). */
export interface WebFetchRequest {
  url: string;
  /** Validators from the previous fetch: a conditional request, answered `not-modified` when unchanged. */
  etag?: string;
  lastModified?: string;
  /** Content types accepted for this request (defaults: the document types Lore parses). */
  accept?: readonly string[];
  signal?: AbortSignal;
}

/** The outcome of one fetch after redirects. */
export type WebFetchResult =
  | {
      status: 'ok';
      /** The URL after redirects: a page's source and the base of its links. */
      url: string;
      contentType: string;
      bytes: Uint8Array;
      etag?: string;
      lastModified?: string;
    }
  | { status: 'not-modified'; url: string }
  /** 404 or 410: the page is gone (a re-crawl removes its document). */
  | { status: 'gone'; url: string; httpStatus: number };

/**
 * Fetches web resources. Throws LoreError: `forbidden` (an address the policy refuses, before any
 * connection), `invalid_request` (a malformed or non-http URL), `payload_too_large`,
 * `unsupported_media_type`, `request_timeout`, `provider_error` (other HTTP statuses, too many
 * redirects, network failures).
 */
export interface WebFetcher {
  fetch(request: WebFetchRequest): Promise<WebFetchResult>;
}
