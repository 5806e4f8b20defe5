import { type DestinationStream, type Logger, pino } from 'pino';
import type { LoreConfig } from '../config/config.schema.js';

/** Fields that may hold secrets, at the top level and one or two levels down (`req.headers.cookie`). */
const secretFields = [
  'authorization',
  'cookie',
  'password',
  'apiKey',
  'token',
  'secret',
  'accessToken',
  'refreshToken',
  'clientSecret',
];
const secretHeaders = ['authorization', 'cookie', '"set-cookie"', '"x-api-key"'];

/**
 * JSON logs on stdout (or `destination`, for tests); fields that could hold secrets are redacted.
 * Request logs carry only the request id, method, route pattern, status, latency and user id;
 * headers and bodies are never logged, and the redaction covers anything logged by mistake.
 */
export function createLogger(config: Pick<LoreConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'lore' },
    redact: {
      paths: [
        ...secretFields,
        ...secretFields.map((field) => `*.${field}`),
        ...secretFields.map((field) => `*.*.${field}`),
        ...secretHeaders.flatMap((header) => [`headers.${header}`, `*.headers.${header}`]),
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
