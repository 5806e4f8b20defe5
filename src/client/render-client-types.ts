import openapiTS, { astToString } from 'openapi-typescript';

/** TypeScript path types for openapi-fetch, generated from the OpenAPI document text. */
export async function renderClientTypes(document: string): Promise<string> {
  const ast = await openapiTS(JSON.parse(document) as Parameters<typeof openapiTS>[0]);
  return `// Generated from docs/openapi.json by \`npm run api:generate\`. Do not edit.\n${astToString(ast)}`;
}
