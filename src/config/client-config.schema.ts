import { z } from 'zod';

/*
 * How the CLI reaches a Lore server instead of the local data folder (`lore --server URL`). Spread
 * into `configSchema` / `envNames` in config.schema.ts; read by `src/cli/remote.ts`.
 */

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export const clientConfigShape = {
  serverUrl: optionalText
    .refine((value) => value === undefined || /^https?:\/\/[^/]/i.test(value), {
      message: 'must be an http(s) URL such as https://lore.example.com',
    })
    .describe(
      'LORE_SERVER_URL: run CLI commands against this Lore server (its REST API) instead of the local data folder; `--server` overrides it',
    ),
  apiKey: optionalText.describe(
    'LORE_API_KEY: API key (`lore_…`) or bearer token the CLI sends to LORE_SERVER_URL; `--api-key` overrides it',
  ),
};

export const clientEnvNames = {
  serverUrl: ['LORE_SERVER_URL'],
  apiKey: ['LORE_API_KEY'],
};
