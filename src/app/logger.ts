import { type Logger, pino } from 'pino';
import type { LoreConfig } from '../config/config.schema.js';

/** JSON logs on stdout; fields that could hold secrets are redacted. */
export function createLogger(config: Pick<LoreConfig, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'lore' },
    redact: {
      paths: ['*.apiKey', '*.password', '*.authorization', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
