import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askStream, createLoreClient, type LoreApiClient } from '../../src/client/lore-client.js';
import { readSse } from '../../src/client/sse.js';
import { createRoutes } from '../../src/server/app.routes.js';
import { AskEventSchema } from '../../src/server/ask-events.schema.js';
import { IngestJobRunner } from '../../src/worker/ingest-job.runner.js';
import { runCli } from '../fixtures/cli.js';
import { createTestApp } from '../fixtures/test-app.js';

// The REST API through real HTTP with the generated typed client (user management off: the local user).
let app: Awaited<ReturnType<typeof createTestApp>>;
let runner: IngestJobRunner;
let server: ReturnType<typeof serve>;
let baseUrl: string;
let client: LoreApiClient;

beforeAll(async () => {
  app = await createTestApp({ maxDocumentsPerUpload: 5, maxFileBytes: 64 * 1024 });
  runner = new IngestJobRunner(app.queue, app.blobs, app.ingest, { leaseMs: 30_000, idleMs: 50 });
  runner.start();
  const http = createRoutes(app, { notifyWorker: () => runner.notify() });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: http.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createLoreClient({ baseUrl });
});

afterAll(async () => {
  await runner.stop();
  await new Promise((resolve) => server.close(resolve));
  await app.dispose();
});

async function uploadFiles(collection: string, files: Record<string, string>) {
  const form = new FormData();
  for (const [name, text] of Object.entries(files)) form.append('files', new File([text], name));
  form.append('collection', collection);
  form.append('tags', 'handbook, policies');
  const response = await fetch(`${baseUrl}/api/v1/documents`, { method: 'POST', body: form });
  expect(response.status).toBe(202);
  return (await response.json()) as { collectionId: string; files: { fileName: string; jobId?: string }[] };
}

/** Follows a job's SSE progress stream to its end. */
async function finalJobState(jobId: string) {
  const response = await fetch(`${baseUrl}/api/v1/jobs/${jobId}/events`);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  let last: { state: string; progress: Record<string, number> } | undefined;
  for await (const message of readSse(response.body!)) last = JSON.parse(message.data);
  return last!;
}

describe('REST API', () => {
  let collectionId: string;
  let documentId: string;

  it('creates a collection, uploads into it and streams job progress to the end', async () => {
    const created = await client.POST('/api/v1/collections', {
      body: { name: 'handbook', description: 'Staff handbook' },
    });
    expect(created.response.status).toBe(201);
    collectionId = created.data!.id;
    const duplicate = await client.POST('/api/v1/collections', {
      body: { name: 'handbook', description: '' },
    });
    expect(duplicate.response.status).toBe(409);

    const upload = await uploadFiles('handbook', {
      'kitchen.txt': 'The staff kitchen closes at nine in the evening.\n\nCoffee is free for everyone.',
      '../../etc/passwd': 'Parking permits are renewed every January at the front desk.',
    });
    expect(upload.collectionId).toBe(collectionId);
    expect(upload.files.map((file) => file.fileName)).toEqual(['kitchen.txt', 'passwd']);
    for (const file of upload.files) {
      expect(await finalJobState(file.jobId!)).toMatchObject({ state: 'done', progress: { chunks: 1 } });
    }
    const collections = await client.GET('/api/v1/collections');
    expect(collections.data?.collections).toEqual([
      expect.objectContaining({ name: 'handbook', permission: 'owner', documentCount: 2 }),
    ]);
  });

  it('lists, reads, downloads and chunks documents', async () => {
    const listed = await client.GET('/api/v1/documents', { params: { query: { collectionId } } });
    expect(listed.data?.documents.map((document) => document.fileName).sort()).toEqual([
      'kitchen.txt',
      'passwd',
    ]);
    const kitchen = listed.data!.documents.find((document) => document.fileName === 'kitchen.txt')!;
    documentId = kitchen.id;
    expect(kitchen.tags).toEqual(['handbook', 'policies']);
    const one = await client.GET('/api/v1/documents/{id}', { params: { path: { id: documentId } } });
    expect(one.data?.title).toBe('kitchen');
    const text = await client.GET('/api/v1/documents/{id}/text', { params: { path: { id: documentId } } });
    const chunks = await client.GET('/api/v1/documents/{id}/chunks', {
      params: { path: { id: documentId } },
    });
    for (const chunk of chunks.data!.chunks)
      expect(text.data!.text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    const original = await fetch(`${baseUrl}/api/v1/documents/${documentId}/original`);
    expect(original.headers.get('content-disposition')).toContain('kitchen.txt');
    expect(await original.text()).toContain('staff kitchen closes at nine');
    const missing = await client.GET('/api/v1/documents/{id}', { params: { path: { id: 'nope' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ error: { code: 'not_found', requestId: expect.any(String) } });
  });

  it('searches with filters over GET and POST', async () => {
    const get = await client.GET('/api/v1/search', { params: { query: { q: 'kitchen closes', limit: 5 } } });
    expect(get.data?.hits[0]?.document.fileName).toBe('kitchen.txt');
    const post = await client.POST('/api/v1/search', {
      body: {
        query: 'parking permits',
        limit: 5,
        filter: { tags: ['policies'], collectionIds: [collectionId] },
      },
    });
    expect(post.data?.hits[0]?.document.fileName).toBe('passwd');
    const none = await client.POST('/api/v1/search', {
      body: { query: 'parking permits', limit: 5, filter: { tags: ['other'] } },
    });
    expect(none.data?.hits).toEqual([]);
  });

  it('answers in a conversation with memory, records analytics and takes feedback', async () => {
    const first = [];
    for await (const event of askStream(client, {
      question: 'When does the staff kitchen close?',
      save: true,
    })) {
      first.push(event);
    }
    expect(first.map((event) => event.type)).toEqual(
      expect.arrayContaining(['sources-found', 'answer-delta', 'citation-added', 'answer-end']),
    );
    const end = first.at(-1)!;
    expect(end).toMatchObject({ type: 'answer-end', mode: 'extractive', conversationId: expect.any(String) });
    if (end.type !== 'answer-end') throw new Error('the stream did not end with answer-end');
    for (const event of [...first]) expect(() => AskEventSchema.parse(event)).not.toThrow();
    const conversationId = end.conversationId as string;

    const followUp = [];
    for await (const event of askStream(client, { question: 'and coffee?', conversationId, save: true })) {
      followUp.push(event);
    }
    expect(followUp.at(-1)).toMatchObject({ type: 'answer-end', conversationId });
    const conversation = await client.GET('/api/v1/conversations/{id}', {
      params: { path: { id: conversationId } },
    });
    expect(conversation.data?.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(conversation.data?.title).toBe('When does the staff kitchen close?');

    const feedback = await client.POST('/api/v1/feedback', {
      body: { questionId: end.questionId, rating: 'up', comment: 'exactly right' },
    });
    expect(feedback.response.status).toBe(204);
    const summary = await client.GET('/api/v1/analytics/summary', { params: { query: {} } });
    expect(summary.data).toMatchObject({ questions: 2, feedback: { up: 1, down: 0 } });
    expect(summary.data?.topDocuments[0]).toMatchObject({ title: 'kitchen' });
    const csv = await fetch(`${baseUrl}/api/v1/analytics.csv`);
    expect(csv.headers.get('content-disposition')).toContain('analytics.csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('When does the staff kitchen close?');

    const listed = await client.GET('/api/v1/conversations', { params: { query: {} } });
    expect(listed.data?.conversations.map((c) => c.id)).toEqual([conversationId]);
    const unknown = await client.POST('/api/v1/ask', {
      body: { question: 'x', conversationId: 'not-a-conversation', save: true },
      parseAs: 'text',
    });
    expect(unknown.response.status).toBe(404);
  });

  it('serves the CLI in remote mode (--server) through the typed client', async () => {
    const search = await runCli(['--server', baseUrl, 'search', 'kitchen closes', '--json']);
    expect(search.stderr).toBe('');
    expect(
      (JSON.parse(search.stdout) as { hits: { document: { fileName: string } }[] }).hits[0]?.document
        .fileName,
    ).toBe('kitchen.txt');
    const ask = await runCli([
      '--server',
      baseUrl,
      'ask',
      'When does the staff kitchen close?',
      '-c',
      'handbook',
    ]);
    expect(ask.stdout).toContain('Sources:');
    expect(ask.stdout).toContain('kitchen');
    const documents = await runCli(['--server', baseUrl, 'documents', '-c', 'handbook']);
    expect(documents.stdout).toContain('handbook/kitchen.txt');
    const missing = await runCli(['--server', baseUrl, 'documents', '-c', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no collection named "nope"');
  });

  it('re-indexes, cancels and deletes', async () => {
    const reindexed = await client.POST('/api/v1/documents/{id}/reindex', {
      params: { path: { id: documentId } },
    });
    expect(reindexed.response.status).toBe(202);
    expect(await finalJobState(reindexed.data!.jobId)).toMatchObject({ state: 'done' });

    const queued = await app.queue.enqueue('ingest-file', {
      blobKey: 'x',
      fileName: 'later.txt',
      source: 's',
      collection: 'handbook',
      tags: [],
    });
    const cancelled = await client.POST('/api/v1/jobs/{id}/cancel', { params: { path: { id: queued.id } } });
    expect(cancelled.data?.state).toBe('cancelled');

    const removed = await client.DELETE('/api/v1/documents/{id}', { params: { path: { id: documentId } } });
    expect(removed.response.status).toBe(204);
    const gone = await client.GET('/api/v1/documents/{id}', { params: { path: { id: documentId } } });
    expect(gone.response.status).toBe(404);
    expect((await app.audit.list({ limit: 10 })).map((entry) => entry.action)).toContain('document.delete');

    const dropped = await client.DELETE('/api/v1/collections/{id}', {
      params: { path: { id: collectionId } },
    });
    expect(dropped.response.status).toBe(204);
    expect((await client.GET('/api/v1/documents', { params: { query: {} } })).data?.documents).toEqual([]);
  });

  it('answers malformed requests with a precise 4xx in the one error shape', async () => {
    const cases: [string, RequestInit, number, RegExp][] = [
      [
        '/api/v1/search',
        { method: 'POST', body: '{"query":', headers: { 'content-type': 'application/json' } },
        400,
        /JSON|json/,
      ],
      [
        '/api/v1/search',
        { method: 'POST', body: '{"query":42}', headers: { 'content-type': 'application/json' } },
        400,
        /query/,
      ],
      ['/api/v1/search?q=', { method: 'GET' }, 400, /q/],
      ['/api/v1/search?q=x&limit=100000', { method: 'GET' }, 400, /limit/],
      [
        '/api/v1/collections',
        { method: 'POST', body: '{"name":"a/b"}', headers: { 'content-type': 'application/json' } },
        400,
        /slashes/,
      ],
      [
        '/api/v1/documents',
        { method: 'POST', body: 'plain', headers: { 'content-type': 'text/plain' } },
        400,
        /multipart/,
      ],
      ['/api/v1/nothing-here', { method: 'GET' }, 404, /no route/],
    ];
    for (const [path, init, status, message] of cases) {
      const response = await fetch(`${baseUrl}${path}`, init);
      expect(response.status, path).toBe(status);
      const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
      expect(body.error.message, path).toMatch(message);
      expect(body.error.requestId).toBe(response.headers.get('x-request-id'));
    }
    const huge = await fetch(`${baseUrl}/api/v1/documents`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: 'x'.repeat(6 * 64 * 1024 + 2 * 1024 * 1024),
    });
    expect(huge.status).toBe(413);
  });

  it('serves its OpenAPI 3.1 document', async () => {
    const document = (await (await fetch(`${baseUrl}/api/v1/openapi.json`)).json()) as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
  });
});
