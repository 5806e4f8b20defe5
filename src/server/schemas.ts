import { z } from '@hono/zod-openapi';
import { errorCodes } from '../core/errors.js';

/** Shared response and request schemas of the REST API (the OpenAPI document is generated from them). */

/**
 * Text with at least one non-space character (documented as the pattern `\S`), at most `max`
 * characters as sent, then trimmed. Both checks run on the value as sent, so the OpenAPI document
 * (`pattern`, `maxLength`) states exactly what is accepted.
 */
export const nonBlank = (max: number, blank = 'must not be blank') =>
  z.string().regex(/\S/, blank).max(max, `is longer than ${max} characters`).trim();

/** An identifier sent by a client (collection, document, conversation, question ids). */
export const IdText = z.string().min(1).max(200);

/**
 * A collection name: printable, no slashes, 1–100 characters once trimmed (the same rule as
 * `checkCollectionName`, stated in the schema so that the OpenAPI document carries it).
 */
export const CollectionName = z
  .string()
  .regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    /^[^/\\\u0000-\u001f\u007f]*[^\s/\\\u0000-\u001f\u007f][^/\\\u0000-\u001f\u007f]*$/,
    'is 1–100 printable characters without slashes',
  )
  .max(100, 'is 1–100 printable characters without slashes')
  .trim();

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const CollectionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    ownerId: z.string().optional(),
    createdAt: z.string(),
    /** The caller's access. */
    permission: z.enum(['reader', 'editor', 'owner']),
    documentCount: z.number().int(),
    /** The embedding profile serving the collection and, while one is built, the new generation. */
    embedding: z
      .object({
        profile: z.string(),
        embedderId: z.string(),
        generation: z
          .object({
            profile: z.string(),
            embedderId: z.string(),
            jobId: z.string(),
            state: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
            done: z.number().int(),
            total: z.number().int(),
          })
          .optional(),
      })
      .optional(),
  })
  .openapi('Collection');

export const ParseWarningSchema = z
  .object({ code: z.string(), message: z.string(), page: z.number().int().optional() })
  .passthrough()
  .openapi('ParseWarning');

export const DocumentSchema = z
  .object({
    id: z.string(),
    collectionId: z.string(),
    source: z.string(),
    fileName: z.string(),
    title: z.string(),
    format: z.string(),
    contentHash: z.string(),
    byteSize: z.number().int(),
    pageCount: z.number().int().optional(),
    chunkCount: z.number().int(),
    warnings: z.array(ParseWarningSchema),
    tags: z.array(z.string()),
    parserVersion: z.string(),
    chunkerVersion: z.string(),
    blobKey: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Document');

export const ChunkSchema = z
  .object({
    id: z.number().int(),
    documentId: z.string(),
    collectionId: z.string(),
    ordinal: z.number().int(),
    text: z.string(),
    context: z.string(),
    start: z.number().int(),
    end: z.number().int(),
    tokenCount: z.number().int(),
    page: z.number().int().optional(),
    slide: z.number().int().optional(),
    sheet: z.string().optional(),
  })
  .openapi('Chunk');

export const SearchHitSchema = z
  .object({
    rank: z.number().int(),
    score: z.number(),
    chunk: ChunkSchema,
    document: DocumentSchema.pick({
      id: true,
      title: true,
      fileName: true,
      source: true,
      format: true,
      collectionId: true,
    }),
    lexicalRank: z.number().int().optional(),
    denseRank: z.number().int().optional(),
    termCoverage: z.number().optional(),
  })
  .openapi('SearchHit');

export const SearchResultSchema = z
  .object({
    hits: z.array(SearchHitSchema),
    mode: z.enum(['hybrid', 'lexical', 'dense']),
    queryTerms: z.array(z.string()),
    timings: z.object({ lexicalMs: z.number(), denseMs: z.number(), totalMs: z.number() }),
  })
  .openapi('SearchResult');

export const SourceSchema = z
  .object({
    n: z.number().int(),
    documentId: z.string(),
    title: z.string(),
    fileName: z.string(),
    chunkId: z.number().int(),
    page: z.number().int().optional(),
    slide: z.number().int().optional(),
    sheet: z.string().optional(),
    start: z.number().int(),
    end: z.number().int(),
    text: z.string(),
  })
  .openapi('Source');

export const TableCitationSchema = z
  .object({
    tableId: z.string(),
    sheet: z.string(),
    rowsLabel: z.string().openapi({ description: 'the sheet rows the computation used, e.g. "rows 14–37"' }),
    rowCount: z.number().int(),
    columns: z.array(z.string()),
    rows: z.array(z.object({ n: z.number().int(), cells: z.array(z.string()) })).openapi({
      description: 'at most 50 of the rows used, with their sheet row number and displayed cells',
    }),
  })
  .openapi('TableCitation');

export const CitationSchema = SourceSchema.extend({
  quote: z.string(),
  table: TableCitationSchema.optional().openapi({
    description: 'set when the answer was computed over a table',
  }),
}).openapi('Citation');

export const JobSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    state: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    error: z.string().optional(),
    errorCode: z
      .enum(errorCodes)
      .optional()
      .openapi({ description: 'The error code of `error` (as in error responses), when it had one' }),
    progress: z.record(z.string(), z.number()),
    fileName: z.string().optional(),
    collection: z.string().optional(),
    documentId: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Job');

/** Filters a search or question may carry (always narrowed to the caller's readable collections). */
export const FilterSchema = z
  .strictObject({
    collectionIds: z.array(IdText).max(100).optional(),
    documentIds: z.array(IdText).max(1000).optional(),
    tags: z.array(z.string().max(200)).max(50).optional(),
    updatedAfter: z.iso.datetime({ offset: true }).optional(),
    updatedBefore: z.iso.datetime({ offset: true }).optional(),
  })
  .openapi('Filter');

export const QueryText = nonBlank(2000, 'must not be empty');
