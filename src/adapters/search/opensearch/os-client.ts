import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import { LoreError } from '../../../core/errors.js';

/** How to reach the cluster LORE_SEARCH_URL names. */
export interface OpenSearchConnection {
  /** `https://user:password@host:9200` (basic auth in the URL) or an Amazon OpenSearch Service endpoint. */
  url: string;
  /** Sign every request with AWS SigV4 for this region (Amazon OpenSearch Service, IAM auth). */
  awsRegion?: string;
  /** `es` (managed domains, default) or `aoss` (OpenSearch Serverless). */
  awsService?: 'es' | 'aoss';
  requestTimeoutMs?: number;
}

/** The few calls Lore makes, answering parsed JSON bodies and throwing LoreError. */
export interface SearchCluster {
  request<T>(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    querystring?: Record<string, string>,
  ): Promise<T>;
  /** `POST /_bulk` with NDJSON lines; throws when any item failed. */
  bulk(lines: readonly Record<string, unknown>[], refresh?: boolean): Promise<void>;
  /** True when the path exists (HEAD answered 200). */
  exists(path: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens a client through the official `@opensearch-project/opensearch` package. */
export function connectOpenSearch(connection: OpenSearchConnection): SearchCluster {
  const url = new URL(connection.url);
  const where = `${url.protocol}//${url.host}`;
  const client = new Client({
    node: connection.url,
    requestTimeout: connection.requestTimeoutMs ?? 30_000,
    maxRetries: 2,
    ...(connection.awsRegion
      ? AwsSigv4Signer({
          region: connection.awsRegion,
          service: connection.awsService ?? 'es',
          getCredentials: () => fromNodeProviderChain()(),
        })
      : {}),
  });
  const call = async <T>(run: () => Promise<{ body: unknown; statusCode?: number | null }>) => {
    try {
      return (await run()).body as T;
    } catch (error) {
      throw clusterError(error, where);
    }
  };
  return {
    request: <T>(method: string, path: string, body?: unknown, querystring?: Record<string, string>) =>
      call<T>(() =>
        client.transport.request({
          method,
          path,
          ...(body === undefined ? {} : { body: body as Record<string, unknown> }),
          ...(querystring ? { querystring } : {}),
        }),
      ),
    async bulk(lines, refresh = false) {
      const response = await call<BulkResponse>(() =>
        client.transport.request({
          method: 'POST',
          path: '/_bulk',
          bulkBody: lines as Record<string, unknown>[],
          querystring: refresh ? { refresh: 'true' } : {},
        }),
      );
      if (!response.errors) return;
      const failed = response.items
        .map((item) => Object.values(item)[0])
        .filter(
          (item) => item && item.status >= 300 && !(item.status === 404 && item.result === 'not_found'),
        );
      if (failed.length === 0) return;
      const first = failed[0]!;
      throw new LoreError(
        'storage_error',
        `OpenSearch at ${where} refused ${failed.length} bulk item(s); first: ${first.status} ${first.error?.type ?? ''} ${first.error?.reason ?? ''}`.trim(),
        { details: { failed: failed.length } },
      );
    },
    async exists(path) {
      try {
        const response = await client.transport.request({ method: 'HEAD', path });
        return response.statusCode === 200;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw clusterError(error, where);
      }
    },
    async close() {
      await client.close();
    },
  };
}

interface BulkItem {
  status: number;
  result?: string;
  error?: { type?: string; reason?: string };
}
interface BulkResponse {
  errors: boolean;
  items: Record<string, BulkItem>[];
}

/** The HTTP status of a client error; undefined when no response came (connection refused, timeout). */
function statusOf(error: unknown): number | undefined {
  const status = (error as { meta?: { statusCode?: number | null } }).meta?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** HTTP status of a cluster LoreError (from `details.status`), for callers that treat 404 as "absent". */
export function clusterStatus(error: unknown): number | undefined {
  return LoreError.is(error) ? (error.details.status as number | undefined) : undefined;
}

function clusterError(error: unknown, where: string): LoreError {
  const status = statusOf(error);
  if (status === undefined) {
    return new LoreError(
      'storage_unavailable',
      `OpenSearch at ${where} cannot be reached: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const body = (error as { meta?: { body?: { error?: { type?: string; reason?: string } } } }).meta?.body;
  const reason = body?.error ? `${body.error.type ?? ''}: ${body.error.reason ?? ''}` : String(status);
  return new LoreError(
    status === 429 || status >= 500 ? 'storage_unavailable' : 'storage_error',
    `OpenSearch at ${where} answered ${status} (${reason})`,
    { cause: error, details: { status } },
  );
}
