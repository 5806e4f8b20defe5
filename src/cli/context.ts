import { type CreateAppOptions, createApp, type LoreApp } from '../app/create-app.js';
import type { LoreConfig } from '../config/config.schema.js';
import { loadConfig } from '../config/load-config.js';

/** Options every command accepts. */
export interface GlobalOptions {
  dataDir?: string;
  /** Run against this Lore server instead of the local data folder. */
  server?: string;
  apiKey?: string;
}

/** Loads the config (options beat env) and builds the app. */
export async function openApp(
  global: GlobalOptions,
  overrides: Partial<Record<keyof LoreConfig, unknown>> = {},
  options?: CreateAppOptions,
): Promise<LoreApp> {
  const config = loadConfig(process.env, {
    ...(global.dataDir ? { dataDir: global.dataDir } : {}),
    ...overrides,
  });
  return createApp(config, options);
}

/** Runs a command with the app and always closes it. */
export async function withApp<T>(
  global: GlobalOptions,
  run: (app: LoreApp) => Promise<T>,
  overrides: Partial<Record<keyof LoreConfig, unknown>> = {},
): Promise<T> {
  const app = await openApp(global, overrides);
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}
