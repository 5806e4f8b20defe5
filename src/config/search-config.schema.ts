import { z } from 'zod';

/*
 * The external search engine (OpenSearch): where it is, how to sign in, how Lore names its indexes.
 * Spread into `configSchema` / `envNames` in config.schema.ts; used by src/app/search-engine.ts.
 */

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export const searchConfigShape = {
  searchUrl: optionalText
    .refine((value) => value === undefined || /^https?:\/\/[^/\s]+/.test(value), {
      message:
        'expected an http(s) URL such as https://user:password@search.internal:9200 (unset: search inside the database)',
    })
    .describe(
      'LORE_SEARCH_URL: OpenSearch cluster that serves retrieval (BM25 + k-NN, one index per embedder generation, kept in step with the database; build it with `lore reindex --search`), e.g. https://lore:secret@search:9200 (basic auth in the URL) or an Amazon OpenSearch Service endpoint with LORE_SEARCH_AWS_REGION; unset means retrieval inside the database',
    ),
  searchAwsRegion: optionalText
    .refine((value) => value === undefined || /^[a-z]{2}(-[a-z]+)+-\d+$/.test(value), {
      message: 'expected an AWS region such as eu-west-1',
    })
    .describe(
      'LORE_SEARCH_AWS_REGION: sign LORE_SEARCH_URL requests with AWS SigV4 for this region (Amazon OpenSearch Service with IAM access; credentials from the default AWS chain: task role, environment, profile); unset means no signing',
    ),
  searchAwsService: z
    .enum(['es', 'aoss'])
    .default('es')
    .describe(
      'LORE_SEARCH_AWS_SERVICE: SigV4 service name: es (OpenSearch Service domains) or aoss (OpenSearch Serverless)',
    ),
  searchIndexPrefix: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'expected lowercase letters, digits, - or _ (at most 40)')
    .default('lore')
    .describe('LORE_SEARCH_INDEX_PREFIX: prefix of the OpenSearch indexes and aliases Lore creates'),
  searchReplicas: integer(0, 10)
    .default(1)
    .describe('LORE_SEARCH_REPLICAS: replica shards of each index Lore creates (0 for a one-node cluster)'),
  searchEfSearch: integer(10, 1000)
    .default(100)
    .describe('LORE_SEARCH_EF_SEARCH: HNSW candidate list per OpenSearch k-NN search (recall vs speed)'),
};

export const searchEnvNames = {
  searchUrl: ['LORE_SEARCH_URL'],
  searchAwsRegion: ['LORE_SEARCH_AWS_REGION'],
  searchAwsService: ['LORE_SEARCH_AWS_SERVICE'],
  searchIndexPrefix: ['LORE_SEARCH_INDEX_PREFIX'],
  searchReplicas: ['LORE_SEARCH_REPLICAS'],
  searchEfSearch: ['LORE_SEARCH_EF_SEARCH'],
} satisfies Record<keyof typeof searchConfigShape, string[]>;
