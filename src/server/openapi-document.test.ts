import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { renderClientTypes } from '../client/render-client-types.js';
import { renderOpenApiDocument } from './openapi-document.js';

it('docs/openapi.json and src/client/api.d.ts match the routes (run `npm run api:generate`)', async () => {
  const document = await renderOpenApiDocument();
  const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
  expect(committed).toBe(document);
  const types = readFileSync(new URL('../client/api.d.ts', import.meta.url), 'utf8');
  expect(types).toBe(await renderClientTypes(document));
  const parsed = JSON.parse(document) as { openapi: string; paths: Record<string, unknown> };
  expect(parsed.openapi).toBe('3.1.0');
  expect(Object.keys(parsed.paths)).toEqual(
    expect.arrayContaining(['/api/v1/search', '/api/v1/ask', '/api/v1/documents', '/api/v1/collections']),
  );
});
