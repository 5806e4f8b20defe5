import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test helper: an in-memory S3 on 127.0.0.1 speaking the REST wire format (path-style) for the
 * operations `S3BlobStore` uses. Response shapes are recorded from the AWS S3 API reference; see
 * `src/adapters/blob/__fixtures__/README.md`.
 */
export interface S3TestServer {
  endpoint: string;
  /** Objects per `bucket/key`. */
  objects: Map<string, { body: Buffer; etag: string; modified: Date }>;
  /** `METHOD path?query` of every request, with whether it carried a SigV4 authorization header. */
  requests: { line: string; signed: boolean }[];
  close(): Promise<void>;
}

const xmlHeader = '<?xml version="1.0" encoding="UTF-8"?>\n';

function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts)));
    request.on('error', reject);
  });
}

function noSuchKey(response: ServerResponse, key: string, withBody: boolean): void {
  response.writeHead(404, { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() });
  response.end(
    withBody
      ? `${xmlHeader}<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${escapeXml(key)}</Key><RequestId>${randomUUID()}</RequestId></Error>`
      : undefined,
  );
}

function errorXml(response: ServerResponse, status: number, code: string, message: string, extra = ''): void {
  response.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() });
  response.end(
    `${xmlHeader}<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>${randomUUID()}</RequestId><HostId>${randomUUID()}</HostId></Error>`,
  );
}

export interface S3TestServerOptions {
  /** Caps list pages so pagination is exercised. */
  maxKeys?: number;
  /** When set, only these buckets exist; others answer `NoSuchBucket` (404). */
  buckets?: string[];
  /** Buckets whose every request answers `AccessDenied` (403). */
  denied?: string[];
}

/** Starts the server on a random port. */
export async function startS3TestServer(options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const objects: S3TestServer['objects'] = new Map();
  const requests: S3TestServer['requests'] = [];
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const id = `${bucket}/${key}`;
    requests.push({
      line: `${request.method} ${url.pathname}${url.search}`,
      signed: String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256'),
    });
    const body = await readBody(request);
    if (options.denied?.includes(bucket)) {
      return errorXml(response, 403, 'AccessDenied', 'Access Denied');
    }
    if (options.buckets && !options.buckets.includes(bucket)) {
      return errorXml(
        response,
        404,
        'NoSuchBucket',
        'The specified bucket does not exist',
        `<BucketName>${escapeXml(bucket)}</BucketName>`,
      );
    }
    if (request.method === 'PUT' && key) {
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      objects.set(id, { body, etag, modified: new Date() });
      response.writeHead(200, { etag, 'x-amz-request-id': randomUUID() });
      response.end();
      return;
    }
    if ((request.method === 'GET' || request.method === 'HEAD') && key) {
      const object = objects.get(id);
      if (!object) return noSuchKey(response, key, request.method === 'GET');
      const ifMatch = request.headers['if-match'];
      if (ifMatch && ifMatch !== object.etag && ifMatch !== '*') {
        if (request.method === 'HEAD') {
          response.writeHead(412, { 'x-amz-request-id': randomUUID() });
          response.end();
          return;
        }
        return errorXml(
          response,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
          '<Condition>If-Match</Condition>',
        );
      }
      response.writeHead(200, {
        'content-length': String(object.body.byteLength),
        'content-type': 'application/octet-stream',
        etag: object.etag,
        'last-modified': object.modified.toUTCString(),
        'accept-ranges': 'bytes',
        'x-amz-request-id': randomUUID(),
      });
      response.end(request.method === 'GET' ? object.body : undefined);
      return;
    }
    if (request.method === 'DELETE' && key) {
      objects.delete(id);
      response.writeHead(204, { 'x-amz-request-id': randomUUID() });
      response.end();
      return;
    }
    if (request.method === 'GET' && !key && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const maxKeys = Math.min(Number(url.searchParams.get('max-keys') ?? 1000), options.maxKeys ?? 1000);
      const after = url.searchParams.get('continuation-token')
        ? Buffer.from(url.searchParams.get('continuation-token')!, 'base64').toString()
        : (url.searchParams.get('start-after') ?? '');
      const keys = [...objects.keys()]
        .filter((name) => name.startsWith(`${bucket}/`))
        .map((name) => name.slice(bucket.length + 1))
        .filter((name) => name.startsWith(prefix) && name > after)
        .sort();
      const page = keys.slice(0, maxKeys);
      const truncated = keys.length > page.length;
      const contents = page
        .map((name) => {
          const object = objects.get(`${bucket}/${name}`)!;
          return `<Contents><Key>${escapeXml(name)}</Key><LastModified>${object.modified.toISOString()}</LastModified><ETag>${escapeXml(object.etag)}</ETag><Size>${object.body.byteLength}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
        })
        .join('');
      const token = url.searchParams.get('continuation-token');
      response.writeHead(200, { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() });
      response.end(
        `${xmlHeader}<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${token ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : ''}${truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)!).toString('base64')}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`,
      );
      return;
    }
    response.writeHead(501, { 'content-type': 'application/xml' });
    response.end(
      `${xmlHeader}<Error><Code>NotImplemented</Code><Message>not in the test server</Message></Error>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
