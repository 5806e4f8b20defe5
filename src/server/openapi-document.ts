import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../app/create-app.js';
import { loadConfig } from '../config/load-config.js';
import { createRoutes } from './app.routes.js';
import { openApiInfo } from './openapi.js';

/**
 * The OpenAPI 3.1 document of the REST API, generated from the route schemas. Built against a
 * throwaway app (routes need one to register; no handler runs). Stable JSON for committing.
 */
export async function renderOpenApiDocument(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lore-openapi-'));
  const app = await createApp(loadConfig({}, { dataDir }), { embedder: null, languageModel: null });
  try {
    const document = createRoutes(app).getOpenAPI31Document(openApiInfo);
    return `${JSON.stringify(document, null, 2)}\n`;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
