import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * Test helper: a node:http server on 127.0.0.1 (random port) that replays recorded provider
 * responses and records every request it receives. No test needs the internet.
 */

/** One recorded response; a fixture file holds one of these plus a `source` note. */
export interface RecordedResponse {
  /** Which documentation example this replays (kept for readers; not sent). */
  source?: string;
  status?: number;
  headers?: Record<string, string>;
  /** JSON body (objects are serialised) or raw text. */
  body?: unknown;
  /** Server-sent events: each item is sent as `data: <item>\n\n` (objects are serialised). */
  events?: unknown[];
  /**
   * Also send `event: <item[field]>` before each object event (Anthropic and Cohere v2 name their
   * events after the `type` field).
   */
  eventNameField?: string;
  /**
   * AWS event-stream frames (`application/vnd.amazon.eventstream`, Bedrock ConverseStream): each item
   * is encoded as a binary message with `:event-type`, `:content-type` and `:message-type` headers.
   */
  awsEvents?: { eventType: string; payload: unknown }[];
  /** Pause between events, in milliseconds. */
  eventDelayMs?: number;
  /** Pause before the response starts (a slow provider), in milliseconds. */
  delayMs?: number;
  /** After the events, keep the connection open instead of ending the response. */
  hold?: boolean;
}

/** A request as the fake server saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON (throws if it is not JSON). */
  json(): unknown;
  /** Resolves when the connection closes; `completed` is false when the client hung up first. */
  closed: Promise<{ completed: boolean }>;
}

/** What a test controls: the base URL, the requests seen and shutdown. */
export interface RecordedHttpServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** `<origin>/v1`, the base URL OpenAI-compatible clients expect. */
  baseURL: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Replies in order from a list, or computes each reply from the request. */
export type ResponsePlan = readonly RecordedResponse[] | ((request: ReceivedRequest) => RecordedResponse);

/** Reads a fixture file (a JSON `RecordedResponse`). */
export async function loadRecordedResponse(url: URL): Promise<RecordedResponse> {
  return JSON.parse(await readFile(url, 'utf8')) as RecordedResponse;
}

/**
 * Starts the fake server. A request beyond the end of a response list gets a 500 so that
 * unexpected extra calls fail loudly.
 *
 * @example
 * const server = await startRecordedHttpServer([await loadRecordedResponse(fixtureUrl)]);
 * // ... point the adapter at server.baseURL ...
 * await server.close();
 */
export async function startRecordedHttpServer(plan: ResponsePlan): Promise<RecordedHttpServer> {
  const requests: ReceivedRequest[] = [];
  const openResponses = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const closed = new Promise<{ completed: boolean }>((resolve) => {
        res.on('close', () => resolve({ completed: res.writableFinished }));
      });
      const received: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
        json: () => JSON.parse(body) as unknown,
        closed,
      };
      const index = requests.push(received) - 1;
      const response =
        typeof plan === 'function'
          ? plan(received)
          : (plan[index] ?? {
              status: 500,
              body: { error: { message: `unexpected request #${index + 1}` } },
            });
      openResponses.add(res);
      res.on('close', () => openResponses.delete(res));
      void reply(res, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    baseURL: `${origin}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of openResponses) res.destroy();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function reply(res: ServerResponse, response: RecordedResponse): Promise<void> {
  const status = response.status ?? 200;
  if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
  if (res.destroyed) return;
  if (response.awsEvents !== undefined) {
    res.writeHead(status, { 'content-type': 'application/vnd.amazon.eventstream', ...response.headers });
    for (const event of response.awsEvents) {
      if (res.destroyed) return;
      res.write(encodeAwsEvent(event.eventType, event.payload));
      if (response.eventDelayMs) await new Promise((resolve) => setTimeout(resolve, response.eventDelayMs));
    }
    if (!response.hold) res.end();
    return;
  }
  if (response.events !== undefined) {
    res.writeHead(status, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...response.headers,
    });
    for (const event of response.events) {
      if (res.destroyed) return;
      const field = response.eventNameField;
      const name =
        field && typeof event === 'object' && event !== null
          ? (event as Record<string, unknown>)[field]
          : undefined;
      if (typeof name === 'string') res.write(`event: ${name}\n`);
      res.write(`data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
      if (response.eventDelayMs) await new Promise((resolve) => setTimeout(resolve, response.eventDelayMs));
    }
    if (!response.hold) res.end();
    return;
  }
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? {});
  res.writeHead(status, { 'content-type': 'application/json', ...response.headers });
  res.end(text);
}

/**
 * One AWS event-stream message: prelude (total length, headers length, prelude CRC32), string headers,
 * JSON payload, message CRC32. See "Event stream encoding" in the AWS SDK / Transcribe documentation.
 */
export function encodeAwsEvent(eventType: string, payload: unknown): Buffer {
  const header = (name: string, value: string) => {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const out = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
    out.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(out, 1);
    out.writeUInt8(7, 1 + nameBytes.length); // value type 7: string
    out.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    valueBytes.copy(out, 4 + nameBytes.length);
    return out;
  };
  const headers = Buffer.concat([
    header(':event-type', eventType),
    header(':content-type', 'application/json'),
    header(':message-type', 'event'),
  ]);
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const total = 12 + headers.length + body.length + 4;
  const prelude = Buffer.alloc(8);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headers.length, 4);
  const preludeCrc = Buffer.alloc(4);
  preludeCrc.writeUInt32BE(crc32(prelude), 0);
  const withoutCrc = Buffer.concat([prelude, preludeCrc, headers, body]);
  const messageCrc = Buffer.alloc(4);
  messageCrc.writeUInt32BE(crc32(withoutCrc), 0);
  return Buffer.concat([withoutCrc, messageCrc]);
}
