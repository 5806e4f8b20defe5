import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallOptions, call, signIn } from '../fixtures/http-client.js';
import { type LoreServer, startLoreServer } from '../fixtures/lore-server.js';

/*
 * Access-control leakage attempts: user B tries every read path for user A's private collection.
 * Each row runs first as A (the positive control: the route does return the private content to its
 * owner) and then as B, whose answer must contain neither the secret word nor the private names.
 */

const adminEmail = 'admin@example.com';
const adminPassword = 'first admin passphrase 7';
const secret = 'zanzibarquokka';
const sharedWord = 'marmaladeheron';
/** Only in the private document's text and names, never in a request. */
const privateMarkers = ['launch codename', 'alice-private'];

interface Ids {
  privateCollectionId: string;
  privateDocumentId: string;
  privateJobId: string;
  conversationId: string;
}

type Row = {
  name: string;
  request: (ids: Ids) => [string, CallOptions];
  /** Positive control when the owner's answer has no private text (default: a marker appears). */
  ownerSees?: (text: string, ids: Ids) => boolean;
};

const mcpCall = (name: string, args: Record<string, unknown>): CallOptions => ({
  body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
  headers: { accept: 'application/json, text/event-stream' },
});

const rows: Row[] = [
  { name: 'GET search', request: () => [`/api/v1/search?q=${secret}`, {}] },
  {
    name: 'GET search naming the collection',
    request: (ids) => [`/api/v1/search?q=${secret}&collection=${ids.privateCollectionId}`, {}],
  },
  { name: 'POST search', request: () => ['/api/v1/search', { body: { query: secret } }] },
  {
    name: 'POST search filtered to the collection',
    request: (ids) => [
      '/api/v1/search',
      { body: { query: secret, filter: { collectionIds: [ids.privateCollectionId] } } },
    ],
  },
  {
    name: 'POST search filtered to the document',
    request: (ids) => [
      '/api/v1/search',
      { body: { query: secret, filter: { documentIds: [ids.privateDocumentId] } } },
    ],
  },
  { name: 'GET ask (sources, citations)', request: () => [`/api/v1/ask?q=${secret}`, {}] },
  {
    name: 'GET ask naming the collection',
    request: (ids) => [`/api/v1/ask?q=${secret}&collection=${ids.privateCollectionId}`, {}],
  },
  {
    name: 'POST ask',
    request: () => ['/api/v1/ask', { body: { question: `What is ${secret}?`, save: false } }],
  },
  {
    name: 'POST ask filtered to the collection',
    request: (ids) => [
      '/api/v1/ask',
      { body: { question: secret, save: false, filter: { collectionIds: [ids.privateCollectionId] } } },
    ],
  },
  {
    name: 'POST ask continuing the owner’s conversation',
    request: (ids) => ['/api/v1/ask', { body: { question: secret, conversationId: ids.conversationId } }],
  },
  { name: 'documents list', request: () => ['/api/v1/documents', {}] },
  {
    name: 'documents list of the collection',
    request: (ids) => [`/api/v1/documents?collectionId=${ids.privateCollectionId}`, {}],
  },
  { name: 'document', request: (ids) => [`/api/v1/documents/${ids.privateDocumentId}`, {}] },
  { name: 'document text', request: (ids) => [`/api/v1/documents/${ids.privateDocumentId}/text`, {}] },
  { name: 'document chunks', request: (ids) => [`/api/v1/documents/${ids.privateDocumentId}/chunks`, {}] },
  {
    name: 'document download',
    request: (ids) => [`/api/v1/documents/${ids.privateDocumentId}/original`, {}],
  },
  { name: 'job', request: (ids) => [`/api/v1/jobs/${ids.privateJobId}`, {}] },
  { name: 'collections list', request: () => ['/api/v1/collections', {}] },
  { name: 'collection', request: (ids) => [`/api/v1/collections/${ids.privateCollectionId}`, {}] },
  {
    name: 'collection grants',
    request: (ids) => [`/api/v1/collections/${ids.privateCollectionId}/grants`, {}],
    ownerSees: (text, ids) => text.includes(ids.privateCollectionId),
  },
  {
    name: 'conversations list',
    request: () => ['/api/v1/conversations', {}],
    ownerSees: (text, ids) => text.includes(ids.conversationId),
  },
  { name: 'conversation', request: (ids) => [`/api/v1/conversations/${ids.conversationId}`, {}] },
  {
    name: 'OpenAI-compatible chat completions',
    request: () => [
      '/v1/chat/completions',
      { body: { model: 'lore', messages: [{ role: 'user', content: `What is ${secret}?` }] } },
    ],
  },
  { name: 'MCP search tool', request: () => ['/mcp', mcpCall('search', { query: secret })] },
];

describe('no read path leaks a private collection to another user', () => {
  let server: LoreServer;
  let alice: Awaited<ReturnType<typeof signIn>>;
  let bob: Awaited<ReturnType<typeof signIn>>;
  let bobKey: string;
  let sharedCollectionId: string;
  const ids = {} as Ids;

  const upload = async (who: typeof alice, collection: string, fileName: string, text: string) => {
    const form = new FormData();
    form.append('files', new Blob([text], { type: 'text/markdown' }), fileName);
    form.append('collection', collection);
    const response = await fetch(`${server.url}/api/v1/documents`, {
      method: 'POST',
      body: form,
      headers: { cookie: who.jar.header(), 'x-csrf-token': who.csrf },
    });
    const body = (await response.json()) as { files: { jobId: string }[] };
    expect(response.status, JSON.stringify(body)).toBe(202);
    const jobId = body.files[0]?.jobId ?? '';
    for (let i = 0; i < 200; i++) {
      const job = await call(server.url, `/api/v1/jobs/${jobId}`, { jar: who.jar });
      if (job.json.state === 'done') return jobId;
      if (job.json.state === 'failed') throw new Error(`ingest failed: ${job.text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('ingest did not finish');
  };

  beforeAll(async () => {
    server = await startLoreServer({
      LORE_USER_MANAGEMENT: 'on',
      LORE_ADMIN_EMAIL: adminEmail,
      LORE_ADMIN_PASSWORD: adminPassword,
      LORE_ASK_RATE_LIMIT_PER_MINUTE: '1000',
    });
    const admin = await signIn(server.url, adminEmail, adminPassword);
    for (const email of ['alice@example.com', 'bob@example.com']) {
      const created = await call(server.url, '/api/v1/users', {
        body: { email, password: `${email} passphrase` },
        jar: admin.jar,
        csrf: admin.csrf,
      });
      expect(created.status).toBe(201);
    }
    alice = await signIn(server.url, 'alice@example.com', 'alice@example.com passphrase');
    bob = await signIn(server.url, 'bob@example.com', 'bob@example.com passphrase');
    const privateDoc = await upload(
      alice,
      'alice-private',
      'alice-private-notes.md',
      `# Private notes\n\nThe launch codename is ${secret}. Nobody else may read about ${secret}.\n`,
    );
    ids.privateJobId = privateDoc;
    await upload(
      alice,
      'team-shared',
      'team-notes.md',
      `# Team notes\n\nThe team mascot is the ${sharedWord}.\n`,
    );
    await upload(bob, 'bob-own', 'bob-notes.md', '# Bob\n\nBob keeps his own notes about gardening.\n');
    const collections = (await call(server.url, '/api/v1/collections', { jar: alice.jar })).json
      .collections as {
      id: string;
      name: string;
    }[];
    ids.privateCollectionId = collections.find((c) => c.name === 'alice-private')?.id ?? '';
    sharedCollectionId = collections.find((c) => c.name === 'team-shared')?.id ?? '';
    const documents = (
      await call(server.url, `/api/v1/documents?collectionId=${ids.privateCollectionId}`, { jar: alice.jar })
    ).json.documents as { id: string }[];
    ids.privateDocumentId = documents[0]?.id ?? '';
    expect(ids.privateDocumentId).not.toBe('');
    const shared = await call(server.url, `/api/v1/collections/${sharedCollectionId}/grants`, {
      method: 'PUT',
      body: { grants: [{ granteeType: 'user', granteeId: 'bob@example.com', permission: 'reader' }] },
      jar: alice.jar,
      csrf: alice.csrf,
    });
    expect(shared.status).toBe(200);
    const asked = await call(server.url, '/api/v1/ask', {
      body: { question: `What is ${secret}?` },
      jar: alice.jar,
      csrf: alice.csrf,
    });
    ids.conversationId = /"conversationId":"([^"]+)"/.exec(asked.text)?.[1] ?? '';
    expect(ids.conversationId).not.toBe('');
    const key = await call(server.url, '/api/v1/api-keys', {
      body: { name: 'bob-script', scopes: ['read', 'write'] },
      jar: bob.jar,
      csrf: bob.csrf,
    });
    bobKey = key.json.secret;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it.each(rows)('$name', async (row) => {
    const [path, options] = row.request(ids);
    const asOwner = await call(server.url, path, { ...options, jar: alice.jar, csrf: alice.csrf });
    expect(asOwner.status, `owner: ${asOwner.text.slice(0, 300)}`).toBeLessThan(300);
    expect(
      row.ownerSees?.(asOwner.text, ids) ?? privateMarkers.some((marker) => asOwner.text.includes(marker)),
      `owner sees it: ${asOwner.text.slice(0, 300)}`,
    ).toBe(true);
    for (const [who, credentials] of [
      ['session', { jar: bob.jar, csrf: bob.csrf }],
      ['API key', { bearer: bobKey }],
    ] as const) {
      const asOther = await call(server.url, path, { ...options, ...credentials });
      expect(asOther.status, `${who}: ${asOther.text.slice(0, 300)}`).not.toBe(500);
      // The secret word counts too wherever the request itself does not carry it (e.g. a conversation title).
      const sent = `${path} ${JSON.stringify(options.body ?? '')}`;
      for (const marker of sent.includes(secret) ? privateMarkers : [...privateMarkers, secret]) {
        expect(asOther.text.includes(marker), `${who} got ${marker}: ${asOther.text.slice(0, 300)}`).toBe(
          false,
        );
      }
    }
  });

  it('shares with a reader, lets the reader read but not reshare, and revoking ends it', async () => {
    const search = async () =>
      (await call(server.url, `/api/v1/search?q=${sharedWord}`, { jar: bob.jar })).json.hits as {
        chunk: { text: string };
      }[];
    expect((await search()).map((hit) => hit.chunk.text).join()).toContain(sharedWord);
    const reshare = await call(server.url, `/api/v1/collections/${sharedCollectionId}/grants`, {
      method: 'PUT',
      body: { grants: [] },
      jar: bob.jar,
      csrf: bob.csrf,
    });
    expect(reshare.status).toBe(403);
    const revoked = await call(
      server.url,
      `/api/v1/collections/${sharedCollectionId}/grants?granteeType=user&granteeId=bob@example.com`,
      {
        method: 'DELETE',
        jar: alice.jar,
        csrf: alice.csrf,
      },
    );
    expect(revoked.status).toBe(204);
    const left = await call(server.url, `/api/v1/collections/${sharedCollectionId}/grants`, {
      jar: alice.jar,
    });
    expect(left.json.grants).toEqual([]);
    expect(await search()).toEqual([]);
    expect(
      (await call(server.url, `/api/v1/collections/${ids.privateCollectionId}/grants`, { jar: bob.jar }))
        .status,
    ).toBe(404);
  });
});
