import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type Citation, locationLabel } from '../../core/answer/citation.js';
import { sourcesFootnote } from '../../core/answer/sources-footnote.js';
import type { CollectionsService } from '../../core/collections/collections.service.js';
import type { ChatService } from '../../core/conversation/chat.service.js';
import type { KnowledgeModels } from '../../core/conversation/knowledge-models.js';
import { type ErrorCode, LoreError, toLoreError } from '../../core/errors.js';
import type { AccessService } from '../../core/identity/access.service.js';
import type { Principal } from '../../core/identity/identity.records.js';
import type { SearchFilter } from '../../core/records.js';
import type { SearchHit, SearchService } from '../../core/search/search.service.js';
import type { Logger } from '../../operations/logger.js';
import { loreVersion } from '../../operations/version.js';

const CollectionArgument = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe('collection name or id (see list_collections); omit to use every collection you may read');

const Span = {
  documentId: z.string(),
  title: z.string(),
  fileName: z.string(),
  collectionId: z.string().optional(),
  page: z.number().optional(),
  slide: z.number().optional(),
  sheet: z.string().optional(),
  start: z.number().describe('first character of the span in the document text'),
  end: z.number().describe('character after the span'),
};

const instructions =
  'Lore answers from the documents of a knowledge base. Use `search` to find passages, `ask` for an answer with numbered citations, `list_collections` to see what you can read.';

/** A tool error result carrying Lore's error code. */
interface ToolFailure {
  [key: string]: unknown;
  isError: true;
  content: { type: 'text'; text: string }[];
  structuredContent: { error: { code: ErrorCode; message: string } };
}

/** What the MCP tools use. */
export interface McpDependencies {
  models: KnowledgeModels;
  collections: CollectionsService;
  access: AccessService;
  search: SearchService;
  chat: ChatService;
}

/**
 * An MCP server for one caller: tools `list_collections`, `search` and `ask`, all bounded by the
 * collections the principal may read (a collection it cannot read is reported as not found).
 *
 * @example
 * const server = createLoreMcpServer(app, principal); // a LoreApp has every dependency
 * await server.connect(transport);
 */
export function createLoreMcpServer(
  { models, collections, access, search, chat }: McpDependencies,
  principal: Principal,
  options: { logger?: Logger } = {},
): McpServer {
  const server = new McpServer({ name: 'lore', title: 'Lore', version: loreVersion() }, { instructions });
  const filterFor = async (collection: string | undefined): Promise<SearchFilter> => {
    if (!collection) return access.readFilter(principal);
    const found = await collections.readableNamed(principal, collection);
    return access.readFilter(principal, { collectionIds: [found.id] });
  };
  /**
   * A failed tool call as an MCP tool error that keeps Lore's error code (in `structuredContent`,
   * which MCP does not validate for errors); anything unexpected is logged and reported as internal.
   */
  const safely = async <T>(tool: string, run: () => Promise<T>): Promise<T | ToolFailure> => {
    try {
      return await run();
    } catch (error) {
      const loreError = toLoreError(error);
      if (loreError.code === 'internal')
        options.logger?.error({ tool, err: error, code: loreError.code }, 'MCP tool failed');
      const message = loreError.code === 'internal' ? 'internal error' : loreError.message;
      return {
        isError: true,
        content: [{ type: 'text', text: message }],
        structuredContent: { error: { code: loreError.code, message } },
      };
    }
  };

  server.registerTool(
    'list_collections',
    {
      title: 'List collections',
      description: 'The document collections you may read, with their OpenAI-compatible model ids.',
      inputSchema: {},
      outputSchema: {
        collections: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            description: z.string(),
            permission: z.string().optional(),
            model: z.string(),
          }),
        ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      safely('list_collections', async () => {
        const collections = (await models.readableCollections(principal)).map(
          ({ collection, permission, model }) => ({
            id: collection.id,
            name: collection.name,
            description: collection.description,
            ...(permission ? { permission } : {}),
            model,
          }),
        );
        const text = collections.length
          ? collections
              .map((entry) => `- ${entry.name}${entry.description ? `: ${entry.description}` : ''}`)
              .join('\n')
          : 'No collections you can read.';
        return { content: [{ type: 'text', text }], structuredContent: { collections } };
      }),
  );

  server.registerTool(
    'search',
    {
      title: 'Search documents',
      description:
        'Ranked passages (hybrid BM25 + vector search) from the documents you may read, each with its document, location and exact character span.',
      inputSchema: {
        query: z.string().min(1).max(2000).describe('what to look for'),
        collection: CollectionArgument,
        limit: z.number().int().min(1).max(50).default(10).describe('how many passages (1–50)'),
      },
      outputSchema: {
        hits: z.array(z.object({ rank: z.number(), score: z.number(), ...Span, text: z.string() })),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ query, collection, limit }, extra) =>
      safely('search', async () => {
        const filter = await filterFor(collection);
        const result = await search.search({ query, limit, filter, signal: extra.signal });
        const hits = result.hits.map(hitOf);
        const text = hits.length
          ? hits.map((hit) => `[${hit.rank}] ${hit.title} (${where(hit)})\n${hit.text}`).join('\n\n')
          : 'No passages match.';
        return { content: [{ type: 'text', text }], structuredContent: { hits } };
      }),
  );

  server.registerTool(
    'ask',
    {
      title: 'Ask the documents',
      description:
        'An answer written only from the documents you may read, with numbered citations [n] and a Sources list; says so when the documents do not answer.',
      inputSchema: {
        question: z.string().min(1).max(2000).describe('the question'),
        collection: CollectionArgument,
      },
      outputSchema: {
        answer: z.string(),
        mode: z.enum(['generated', 'extractive', 'computed', 'abstained']),
        computation: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('the table computation (statement, value, sheet, rows) when answered over a table'),
        model: z.string().optional(),
        questionId: z.string(),
        citations: z.array(
          z.object({ n: z.number(), ...Span, quote: z.string(), rows: z.string().optional() }),
        ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ question, collection }, extra) =>
      safely('ask', async () => {
        const filter = await filterFor(collection);
        for await (const event of chat.chat({
          principal,
          question,
          filter,
          channel: 'mcp',
          signal: extra.signal,
        })) {
          if (event.type !== 'answer-end') continue;
          const structured = {
            answer: event.answer,
            mode: event.mode,
            ...(event.model ? { model: event.model } : {}),
            questionId: event.questionId,
            citations: event.citations.map(citationOf),
            ...(event.computation ? { computation: { ...event.computation } } : {}),
          };
          return {
            content: [{ type: 'text', text: event.answer + sourcesFootnote(event.citations) }],
            structuredContent: structured,
          };
        }
        throw new LoreError('internal', 'the answer ended without a result');
      }),
  );
  return server;
}

function hitOf(hit: SearchHit) {
  return {
    rank: hit.rank,
    score: hit.score,
    documentId: hit.document.id,
    title: hit.document.title,
    fileName: hit.document.fileName,
    collectionId: hit.document.collectionId,
    ...location(hit.chunk),
    start: hit.chunk.start,
    end: hit.chunk.end,
    text: hit.chunk.text,
  };
}

function citationOf(citation: Citation) {
  return {
    n: citation.n,
    documentId: citation.documentId,
    title: citation.title,
    fileName: citation.fileName,
    ...location(citation),
    start: citation.start,
    end: citation.end,
    quote: citation.quote,
    ...(citation.table ? { rows: citation.table.rowsLabel } : {}),
  };
}

function location(value: {
  page?: number | undefined;
  slide?: number | undefined;
  sheet?: string | undefined;
}) {
  return {
    ...(value.page === undefined ? {} : { page: value.page }),
    ...(value.slide === undefined ? {} : { slide: value.slide }),
    ...(value.sheet === undefined ? {} : { sheet: value.sheet }),
  };
}

/** "handbook.pdf, page 3, characters 120–480". */
function where(hit: ReturnType<typeof hitOf>): string {
  return `${locationLabel(hit)}, characters ${hit.start}–${hit.end}`;
}
