import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveLore, type TestServer } from '../fixtures/http-server.js';
import { createTestApp } from '../fixtures/test-app.js';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

interface SearchOutput {
  hits: {
    rank: number;
    title: string;
    fileName: string;
    collectionId: string;
    start: number;
    end: number;
    text: string;
  }[];
}
interface AskOutput {
  answer: string;
  mode: string;
  citations: { n: number; fileName: string; start: number; end: number; quote: string }[];
}

async function ingestText(app: TestApp, collection: string, fileName: string, text: string) {
  const outcome = await app.ingest.ingest({
    bytes: new TextEncoder().encode(text),
    fileName,
    source: fileName,
    collection,
  });
  expect(outcome.status).toBe('added');
}

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function connect(url: string, apiKey?: string): Promise<Client> {
  const client = new Client({ name: 'lore-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    ...(apiKey ? { requestInit: { headers: { Authorization: `Bearer ${apiKey}` } } } : {}),
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

describe('MCP server through the official MCP client', () => {
  let app: TestApp;
  let server: TestServer;

  beforeAll(async () => {
    app = await createTestApp();
    await ingestText(
      app,
      'policies',
      'refunds.txt',
      'Refunds are issued within 14 days of a return.\n\nShipping is free above 50 euros.',
    );
    await ingestText(app, 'handbook', 'leave.txt', 'New hires get 25 vacation days per year.');
    server = await serveLore(app);
  });
  afterAll(async () => {
    await server?.close();
    await app?.dispose();
  });

  it('lists the tools with their input schemas', async () => {
    const client = await connect(server.url);
    expect(client.getServerVersion()?.name).toBe('lore');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['ask', 'list_collections', 'search']);
    const search = tools.find((tool) => tool.name === 'search')!;
    expect(search.inputSchema.required).toEqual(['query']);
    expect(Object.keys(search.inputSchema.properties ?? {}).sort()).toEqual(['collection', 'limit', 'query']);
  });

  it('lists collections, searches with spans and asks with citations', async () => {
    const client = await connect(server.url);
    const listed = await client.callTool({ name: 'list_collections', arguments: {} });
    expect(listed.structuredContent).toMatchObject({
      collections: [
        { name: 'handbook', model: 'lore/handbook' },
        { name: 'policies', model: 'lore/policies' },
      ],
    });

    const searched = await client.callTool({
      name: 'search',
      arguments: { query: 'vacation days', limit: 5 },
    });
    expect(searched.isError).toBeFalsy();
    const { hits } = searched.structuredContent as unknown as SearchOutput;
    expect(hits[0]).toMatchObject({
      rank: 1,
      fileName: 'leave.txt',
      start: 0,
      text: expect.stringContaining('25 vacation days'),
    });
    expect(hits[0]!.end).toBeGreaterThan(hits[0]!.start);
    expect((searched.content as { type: string; text: string }[])[0]?.text).toContain(
      `(leave.txt, characters 0–${hits[0]!.end})\n`,
    );
    expect((searched.content as { type: string; text: string }[])[0]?.text).toContain('[1] leave');

    const scoped = await client.callTool({
      name: 'search',
      arguments: { query: 'vacation days refunds', collection: 'policies' },
    });
    expect(
      (scoped.structuredContent as unknown as SearchOutput).hits.every(
        (hit) => hit.fileName === 'refunds.txt',
      ),
    ).toBe(true);

    const asked = await client.callTool({
      name: 'ask',
      arguments: { question: 'How many vacation days do new hires get?' },
    });
    const answer = asked.structuredContent as unknown as AskOutput;
    expect(answer.mode).toBe('extractive');
    expect(answer.citations[0]).toMatchObject({
      n: 1,
      fileName: 'leave.txt',
      quote: expect.stringContaining('25 vacation days'),
    });
    expect((asked.content as { text: string }[])[0]?.text).toContain('Sources:\n[1] leave');
  });

  it('reports an unknown collection as a tool error', async () => {
    const client = await connect(server.url);
    const result = await client.callTool({
      name: 'search',
      arguments: { query: 'refunds', collection: 'nope' },
    });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toContain('no collection nope');
    expect(result.structuredContent).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses requests from a page on another origin (DNS rebinding)', async () => {
    const response = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: {
        origin: 'http://evil.example',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(403);
  });

  it('answers GET /mcp with 405 (stateless server)', async () => {
    const response = await fetch(`${server.url}/mcp`, { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(405);
  });
});

describe('MCP server with user management', () => {
  let app: TestApp;
  let server: Awaited<ReturnType<typeof serveLore>>;
  const keys: Record<'alice' | 'bob', string> = { alice: '', bob: '' };

  beforeAll(async () => {
    app = await createTestApp({ userManagement: 'on' });
    server = await serveLore(app);
    for (const name of ['alice', 'bob'] as const) {
      const user = await app.identity.createUser({ email: `${name}@example.com`, name, role: 'member' });
      const collection = await app.store.ensureCollection(`${name}-private`);
      await app.accessStore.setCollectionOwner(collection.id, user.id);
      await ingestText(
        app,
        collection.name,
        `${name}-salary.txt`,
        `The salary of ${name} is confidential: ${name} earns 90000 euros per year.`,
      );
      keys[name] = (await server.kit.apiKeys.create(user, { name: 'test', scopes: ['read'] })).secret;
    }
  });
  afterAll(async () => {
    await server?.close();
    await app?.dispose();
  });

  it("never returns another user's private collection", async () => {
    const alice = await connect(server.url, keys.alice);
    const listed = await alice.callTool({ name: 'list_collections', arguments: {} });
    expect(listed.structuredContent).toEqual({
      collections: [expect.objectContaining({ name: 'alice-private', permission: 'owner' })],
    });

    const searched = await alice.callTool({
      name: 'search',
      arguments: { query: 'salary bob euros', limit: 50 },
    });
    const { hits } = searched.structuredContent as unknown as SearchOutput;
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((hit) => hit.fileName === 'alice-salary.txt')).toBe(true);

    const asked = await alice.callTool({
      name: 'ask',
      arguments: { question: 'What does bob earn per year?' },
    });
    const answer = asked.structuredContent as unknown as AskOutput;
    expect(answer.citations.every((citation) => citation.fileName === 'alice-salary.txt')).toBe(true);

    // Naming Bob's collection (by name or id) is the same error as naming one that does not exist.
    const bobCollection = await app.store.getCollectionByName('bob-private');
    for (const collection of ['bob-private', bobCollection!.id]) {
      const denied = await alice.callTool({ name: 'search', arguments: { query: 'salary', collection } });
      expect(denied.isError).toBe(true);
      expect((denied.content as { text: string }[])[0]?.text).toBe(`no collection ${collection}`);
    }
  });

  it('refuses a caller without a credential with 401', async () => {
    await expect(connect(server.url)).rejects.toThrow(/unauthenticated/);
    const response = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
  });
});
