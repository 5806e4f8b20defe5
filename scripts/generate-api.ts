// Writes docs/openapi.json from the route schemas and src/client/api.d.ts (typed client paths) from it
// (`npm run api:generate`). Tests check both are current.
import { writeFileSync } from 'node:fs';
import { renderClientTypes } from '../src/client/render-client-types.js';
import { renderOpenApiDocument } from '../src/server/openapi-document.js';

const document = await renderOpenApiDocument();
writeFileSync(new URL('../docs/openapi.json', import.meta.url), document);
writeFileSync(new URL('../src/client/api.d.ts', import.meta.url), await renderClientTypes(document));
