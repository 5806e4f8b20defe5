import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { LoreError } from '../../core/errors.js';
import type { BlobStore } from '../../ports/blob-store.port.js';

const keyPattern = /^[0-9a-f]{64}$/;

export interface S3Location {
  bucket: string;
  /** Folder inside the bucket, without leading or trailing slash ('' for the bucket root). */
  prefix: string;
}

/** Parses `s3://bucket/prefix`. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new LoreError('invalid_config', `not an s3:// URL: ${url}`);
  return { bucket: match[1]!, prefix: match[2]!.replace(/^\/+|\/+$/g, '') };
}

export interface S3BlobStoreOptions extends S3Location {
  region: string;
  /** An S3-compatible endpoint (MinIO, a test server); path-style addressing is used with it. */
  endpoint?: string;
  /** Explicit credentials; otherwise the AWS default chain (env, shared config, ECS/EKS roles). */
  credentials?: S3ClientConfig['credentials'];
}

/**
 * Original files in S3, content-addressed like `FileBlobStore`: `<prefix>/ab/abcdef…` holds the
 * bytes whose sha256 is `abcdef…`. A PutObject is atomic (readers see the whole object or none), so
 * no temp-and-rename is needed; an existing key is not uploaded again.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async put(bytes: Uint8Array): Promise<string> {
    const key = createHash('sha256').update(bytes).digest('hex');
    if (await this.has(key)) return key;
    await this.call('store', key, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.objectKey(key),
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentType: 'application/octet-stream',
        }),
      ),
    );
    return key;
  }

  async putFile(path: string, sha256: string): Promise<string> {
    if (!keyPattern.test(sha256)) throw new LoreError('invalid_request', `not a blob key: ${sha256}`);
    if (await this.has(sha256)) return sha256;
    const { size } = await stat(path);
    await this.call('store', sha256, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.objectKey(sha256),
          Body: createReadStream(path),
          ContentLength: size,
          ContentType: 'application/octet-stream',
        }),
      ),
    );
    return sha256;
  }

  async get(key: string): Promise<Uint8Array> {
    const response = await this.client
      .send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }))
      .catch((error: unknown) => {
        if (isNotFound(error)) {
          throw new LoreError('not_found', `original file ${key} is missing from the blob store`, {
            cause: error,
          });
        }
        throw storageError('read', key, error);
      });
    if (!response.Body)
      throw new LoreError('not_found', `original file ${key} is missing from the blob store`);
    return response.Body.transformToByteArray();
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw storageError('check', key, error);
    }
  }

  async delete(key: string): Promise<void> {
    await this.call('delete', key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) })),
    );
  }

  async *keys(): AsyncIterable<string> {
    let token: string | undefined;
    const prefix = this.options.prefix ? `${this.options.prefix}/` : '';
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      const names = (page.Contents ?? [])
        .map((object) => object.Key?.split('/').at(-1) ?? '')
        .filter((name) => keyPattern.test(name))
        .sort();
      for (const name of names) yield name;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Releases the HTTP connections. */
  close(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    if (!keyPattern.test(key)) throw new LoreError('invalid_request', `not a blob key: ${key}`);
    const relative = `${key.slice(0, 2)}/${key}`;
    return this.options.prefix ? `${this.options.prefix}/${relative}` : relative;
  }

  private async call<T>(action: string, key: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw storageError(action, key, error);
    }
  }
}

function isNotFound(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    candidate.name === 'NotFound' ||
    candidate.name === 'NoSuchKey' ||
    candidate.$metadata?.httpStatusCode === 404
  );
}

function storageError(action: string, key: string, error: unknown): LoreError {
  return new LoreError(
    'storage_error',
    `could not ${action} original file ${key} in S3: ${(error as Error).message}`,
    {
      cause: error,
    },
  );
}
