import { GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3ConnectorSettings } from '../../core/connectors/connector.records.js';
import { LoreError } from '../../core/errors.js';
import type { Connector, ConnectorItem, ConnectorPage } from '../../ports/connector.port.js';

export interface S3ConnectorOptions {
  settings: S3ConnectorSettings;
  /** Used when the definition names none (LORE_S3_REGION). */
  defaultRegion: string;
  defaultEndpoint?: string;
  /** Explicit credentials (tests); otherwise the AWS default chain (env, profile, ECS/EKS/EC2 role). */
  credentials?: S3ClientConfig['credentials'];
  /** Page size of ListObjectsV2 (at most 1000). */
  pageSize?: number;
}

/**
 * An S3 bucket and prefix as a connector: ListObjectsV2 pages (the continuation token is the
 * cursor), items keyed by the object key below the prefix and versioned by ETag, read with
 * GetObject `If-Match` so an object replaced between listing and reading fails alone and is read
 * again next run. Folder markers (keys ending in `/`) are skipped.
 */
export class S3Connector implements Connector {
  readonly kind = 's3';
  readonly sourcePrefix: string;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3ConnectorOptions) {
    const { bucket, region, endpoint } = options.settings;
    const trimmed = options.settings.prefix.replace(/^\/+|\/+$/g, '');
    this.prefix = trimmed ? `${trimmed}/` : '';
    this.sourcePrefix = `s3://${bucket}/${this.prefix}`;
    const at = endpoint ?? options.defaultEndpoint;
    this.client = new S3Client({
      region: region ?? options.defaultRegion,
      ...(at ? { endpoint: at, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: 3,
    });
  }

  async list(cursor?: string, signal?: AbortSignal): Promise<ConnectorPage> {
    const page = await this.send('list', () =>
      this.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.settings.bucket,
          Prefix: this.prefix,
          ...(cursor ? { ContinuationToken: cursor } : {}),
          ...(this.options.pageSize ? { MaxKeys: this.options.pageSize } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      ),
    );
    const items: ConnectorItem[] = [];
    for (const object of page.Contents ?? []) {
      if (!object.Key || object.Key.endsWith('/') || !object.Key.startsWith(this.prefix)) continue;
      const key = object.Key.slice(this.prefix.length);
      items.push({
        key,
        version:
          (object.ETag ?? '').replace(/"/g, '') || `${object.Size}:${object.LastModified?.toISOString()}`,
        name: key,
        ...(object.Size === undefined ? {} : { size: object.Size }),
        ...(object.LastModified ? { modifiedAt: object.LastModified.toISOString() } : {}),
      });
    }
    const next = page.IsTruncated ? page.NextContinuationToken : undefined;
    return { items, ...(next ? { cursor: next } : {}) };
  }

  async read(item: ConnectorItem, signal?: AbortSignal): Promise<Uint8Array> {
    const response = await this.send(
      'read',
      () =>
        this.client.send(
          new GetObjectCommand({
            Bucket: this.options.settings.bucket,
            Key: this.prefix + item.key,
            IfMatch: `"${item.version}"`,
          }),
          signal ? { abortSignal: signal } : {},
        ),
      item.key,
    );
    if (!response.Body) throw new LoreError('connector_failed', `${item.name}: S3 returned no body`);
    return response.Body.transformToByteArray();
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async send<T>(action: 'list' | 'read', call: () => Promise<T>, key?: string): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.translate(action, error, key);
    }
  }

  private translate(action: 'list' | 'read', error: unknown, key?: string): LoreError {
    const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const where = `s3://${this.options.settings.bucket}/${this.prefix}${key ?? ''}`;
    const status = failure.$metadata?.httpStatusCode;
    const name = failure.name ?? '';
    if (name === 'AbortError') return new LoreError('cancelled', `${where}: cancelled`, { cause: error });
    if (name === 'NoSuchBucket') {
      return new LoreError('connector_failed', `${where}: the bucket does not exist (NoSuchBucket)`, {
        cause: error,
      });
    }
    if (name === 'AccessDenied' || status === 403) {
      const needed = action === 'list' ? 's3:ListBucket on the bucket' : 's3:GetObject on the objects';
      return new LoreError('connector_failed', `${where}: access denied; the credentials need ${needed}`, {
        cause: error,
      });
    }
    if (name === 'NoSuchKey' || name === 'PreconditionFailed' || status === 412 || status === 404) {
      return new LoreError(
        'connector_failed',
        `${where}: the object changed or was deleted while syncing (${name || status})`,
        {
          cause: error,
        },
      );
    }
    return new LoreError('connector_failed', `${where}: could not ${action}: ${failure.message ?? name}`, {
      cause: error,
    });
  }
}
