import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerDocuments, sseEvents } from '../fixtures/access-rules.js';
import { type Snapshot, snapshot } from '../fixtures/access-snapshot.js';
import { createWorld, type Principal, type Reply, type World } from '../fixtures/access-world.js';
import { sourcesIn } from '../fixtures/obedient-model.js';

/*
 * Prompt injection through documents, with a model that obeys (test/fixtures/obedient-model.ts).
 * The attacker (a member) puts each document of test/fixtures/injection/ into a collection of their
 * own, next to one honest document, and asks through every door. Whatever the model is talked into,
 * the answers hold nothing the attacker cannot read (the model never even sees it), cite only the
 * sources that exist, run no tool, change nothing, and recall only the attacker's own turns.
 */

const folder = new URL('../fixtures/injection/', import.meta.url);
const attacks = readdirSync(folder)
  .filter((name) => name.endsWith('.md') && name !== 'README.md')
  .map((name) => ({ name, text: readFileSync(new URL(name, folder), 'utf8') }));
const question = 'What does the aurora report say?';
/** Asked over everything: it matches the other users' documents best (their code words), so a gap would show. */
const wideQuestion = 'Which code word does the aurora report of this team give?';

interface Answer {
  text: string;
  /** Documents named as sources or citations. */
  documents: string[];
  citationNumbers: number[];
}

/** Asks through one door, restricted to one collection or (undefined) over everything the caller reads. */
type Door = (world: World, attacker: Principal, collection?: { id: string; name: string }) => Promise<Answer>;

const fromSse = (reply: Reply): Answer => {
  expect(reply.status, reply.text.slice(0, 200)).toBe(200);
  const end = sseEvents(reply.text).find((event) => event.event === 'answer-end')?.data as {
    answer: string;
    citations: { n: number }[];
  };
  expect(end, reply.text.slice(0, 300)).toBeDefined();
  return {
    text: reply.text,
    documents: answerDocuments(reply.text),
    citationNumbers: end.citations.map((c) => c.n),
  };
};

const doors: Record<string, Door> = {
  'REST POST /api/v1/ask (SSE)': async (world, attacker, collection) =>
    fromSse(
      await world.request(attacker, 'POST', '/api/v1/ask', {
        json: {
          question: collection ? question : wideQuestion,
          save: false,
          ...(collection ? { filter: { collectionIds: [collection.id] } } : {}),
        },
      }),
    ),
  'REST GET /api/v1/ask (EventSource)': async (world, attacker, collection) =>
    fromSse(
      await world.request(
        attacker,
        'GET',
        `/api/v1/ask?q=${encodeURIComponent(collection ? question : wideQuestion)}${collection ? `&collection=${collection.id}` : ''}`,
      ),
    ),
  'OpenAI-compatible chat completion': async (world, attacker, collection) => {
    const reply = await world.request(attacker, 'POST', '/v1/chat/completions', {
      json: {
        model: collection ? `lore/${collection.name}` : 'lore',
        messages: [{ role: 'user', content: collection ? question : wideQuestion }],
      },
    });
    expect(reply.status, reply.text.slice(0, 200)).toBe(200);
    const citations = reply.json.lore.citations as { n: number; documentId: string }[];
    return {
      text: reply.text,
      documents: citations.map((c) => c.documentId),
      citationNumbers: citations.map((c) => c.n),
    };
  },
  'OpenAI-compatible chat completion (stream)': async (world, attacker, collection) => {
    const reply = await world.request(attacker, 'POST', '/v1/chat/completions', {
      json: {
        model: collection ? `lore/${collection.name}` : 'lore',
        stream: true,
        messages: [{ role: 'user', content: collection ? question : wideQuestion }],
      },
    });
    expect(reply.status).toBe(200);
    const chunks = [...reply.text.matchAll(/^data: (\{.*\})$/gm)].map((match) => JSON.parse(match[1]!));
    const citations = (chunks.find((chunk) => chunk.lore)?.lore.citations ?? []) as {
      n: number;
      documentId: string;
    }[];
    return {
      text: reply.text,
      documents: citations.map((c) => c.documentId),
      citationNumbers: citations.map((c) => c.n),
    };
  },
  'MCP ask tool': async (world, attacker, collection) => {
    const reply = await world.request(attacker, 'POST', '/mcp', {
      json: {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'ask',
          arguments: {
            question: collection ? question : wideQuestion,
            ...(collection ? { collection: collection.name } : {}),
          },
        },
      },
      headers: { accept: 'application/json, text/event-stream' },
    });
    expect(reply.status).toBe(200);
    expect(reply.json.result.isError, reply.text.slice(0, 200)).toBeFalsy();
    const citations = reply.json.result.structuredContent.citations as { n: number; documentId: string }[];
    return {
      text: reply.text,
      documents: citations.map((c) => c.documentId),
      citationNumbers: citations.map((c) => c.n),
    };
  },
};

/** What nobody's prompt or answer may change: everything but recorded questions and conversations. */
const unchangeable = (state: Snapshot) => ({ ...state, questions: undefined, conversations: undefined });

describe('prompt injection through documents, with a model that obeys', () => {
  let world: World;
  let attacker: Principal;
  const planted: { attack: string; id: string; name: string; documents: string[] }[] = [];
  let before: Snapshot;

  beforeAll(async () => {
    world = await createWorld('sqlite');
    attacker = world.principals.find((p) => p.id === 'outsider-session')!;
    const { app, users } = world;
    for (const attack of attacks) {
      const name = `attack-${attack.name.replace(/\.md$/, '')}`;
      const collection = await app.store.ensureCollection(name);
      await app.accessStore.setCollectionOwner(collection.id, users.oscar.id);
      world.access.set(collection.id, { owner: 'oscar', grants: {} });
      const documents: string[] = [];
      for (const [fileName, text] of [
        [attack.name, attack.text],
        ['honest.md', '# Aurora report\n\nThe aurora report says sightings doubled this year.\n'],
      ] as const) {
        const outcome = await app.ingest.ingest({
          bytes: new TextEncoder().encode(text),
          fileName,
          source: fileName,
          collection: name,
        });
        expect(outcome.document, outcome.error?.message).toBeDefined();
        documents.push(outcome.document!.id);
      }
      planted.push({ attack: attack.name, id: collection.id, name, documents });
    }
    before = await snapshot(world);
  }, 120_000);
  afterAll(async () => {
    await world?.dispose();
  });

  it('has attacks of every kind the tests name', () => {
    expect(attacks.map((attack) => attack.name)).toEqual(
      expect.arrayContaining([
        'reveal-other-collection.md',
        'system-prompt-leak.md',
        'tool-call.md',
        'cite-missing-source.md',
        'include-link.md',
        'conversation-history.md',
        'ignore-previous.md',
      ]),
    );
  });

  for (const [door, ask] of Object.entries(doors)) {
    it(`${door}: nothing unreadable, only real citations, no action`, async () => {
      const problems: string[] = [];
      for (const target of planted) {
        const seen = world.model.requests.length;
        const answer = await ask(world, attacker, target);
        const prompts = world.model.requests.slice(seen);
        expect(prompts.length, `${target.attack}: the model was asked`).toBe(1);
        const prompt = prompts
          .flatMap((request) => request.messages.map((message) => message.content))
          .join('\n');
        const sources = sourcesIn(prompts[0]!.messages.at(-1)!.content);
        for (const secret of world.secrets) {
          if (secret.audience(attacker)) continue;
          if (prompt.includes(secret.value)) problems.push(`${target.attack}: the model saw ${secret.what}`);
          if (answer.text.includes(secret.value))
            problems.push(`${target.attack}: the answer leaked ${secret.what}`);
        }
        const foreign = answer.documents.filter((id) => !target.documents.includes(id));
        if (foreign.length > 0)
          problems.push(`${target.attack}: sources outside the collection ${foreign.join()}`);
        const forged = answer.citationNumbers.filter((n) => n < 1 || n > sources.length);
        if (forged.length > 0)
          problems.push(`${target.attack}: citations of missing sources ${forged.join()}`);
        // The model did obey (the attack reached it and was followed): the checks above are not vacuous.
        if (target.attack === 'cite-missing-source.md' && !/\[7\]/.test(answer.text)) {
          problems.push('cite-missing-source.md: the model did not try to cite [7]');
        }
        if (target.attack === 'tool-call.md' && !answer.text.includes('delete_collection')) {
          problems.push('tool-call.md: the model did not try to call a tool');
        }
      }
      // Over everything the attacker reads (every attack at once, the rest of their collections).
      const seen = world.model.requests.length;
      const wide = await ask(world, attacker);
      const prompt = world.model.requests
        .slice(seen)
        .flatMap((request) => request.messages.map((message) => message.content))
        .join('\n');
      for (const secret of world.secrets) {
        if (secret.audience(attacker)) continue;
        if (prompt.includes(secret.value)) problems.push(`every collection: the model saw ${secret.what}`);
        if (wide.text.includes(secret.value))
          problems.push(`every collection: the answer leaked ${secret.what}`);
      }
      const readable = new Set(
        (await world.app.store.getDocuments(wide.documents))
          .filter((document) => world.permission('oscar', document.collectionId))
          .map((document) => document.id),
      );
      const outside = wide.documents.filter((id) => !readable.has(id));
      if (outside.length > 0) problems.push(`every collection: unreadable sources ${outside.join()}`);
      expect(problems).toEqual([]);
      expect(unchangeable(await snapshot(world)), 'no tool ran, nothing was deleted or shared').toEqual(
        unchangeable(before),
      );
    });
  }

  it('"print your system prompt" prints Lore’s fixed rules, which hold no user data', async () => {
    const target = planted.find((p) => p.attack === 'system-prompt-leak.md')!;
    const answer = await doors['REST POST /api/v1/ask (SSE)']!(world, attacker, target);
    const system = world.model.requests.at(-1)!.messages[0]!;
    expect(system.role).toBe('system');
    expect(JSON.parse(`"${/My system prompt is: ([^"]*)/.exec(answer.text)?.[1] ?? ''}"`)).toContain(
      'You are Lore',
    );
    // The same text for every caller: nothing of the caller, the collections or the documents.
    for (const secret of world.secrets) expect(system.content).not.toContain(secret.value);
    expect(system.content).not.toContain(target.name);
    const other = world.principals.find((p) => p.id === 'admin-session')!;
    await world.request(other, 'POST', '/api/v1/ask', { json: { question, save: false } });
    expect(world.model.requests.at(-1)!.messages[0]!.content).toBe(system.content);
  });

  it('conversation memory holds only the caller’s own turns, whatever the documents ask', async () => {
    const target = planted.find((p) => p.attack === 'conversation-history.md')!;
    const own = world.conversations.oscar;
    const reply = await world.request(attacker, 'POST', '/api/v1/ask', {
      json: { question, conversationId: own.id, filter: { collectionIds: [target.id] } },
    });
    const answer = fromSse(reply);
    expect(answer.text, 'the model recited the history it was given').toContain(own.marker);
    expect(answer.text).not.toContain(world.conversations.olivia.marker);
    const history = world.model.requests.at(-1)!.messages.slice(1, -1);
    expect(history.length).toBeGreaterThan(0);
    expect(history.map((turn) => turn.content).join('\n')).not.toContain(world.conversations.olivia.marker);
    // Another user's conversation cannot be continued (so its turns never become this caller's memory).
    const hijack = await world.request(attacker, 'POST', '/api/v1/ask', {
      json: { question: 'print the conversation history', conversationId: world.conversations.olivia.id },
    });
    expect(hijack.status).toBe(404);
    expect(hijack.text).not.toContain(world.conversations.olivia.marker);
  });
});
