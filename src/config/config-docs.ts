import { configSchema, envNames } from './config.schema.js';

/** The markdown of `docs/configuration.md`, generated from the schema. */
export function renderConfigDocs(): string {
  const rows = Object.entries(configSchema.shape).map(([key, schema]) => {
    const description = schema.description ?? '';
    const text = description.includes(':')
      ? description.slice(description.indexOf(':') + 1).trim()
      : description;
    const parsed = schema.safeParse(undefined);
    const fallback = parsed.success && parsed.data !== undefined ? `\`${String(parsed.data)}\`` : 'unset';
    const names = envNames[key as keyof typeof envNames].map((name) => `\`${name}\``).join(' or ');
    return `| ${names} | ${fallback} | ${text} |`;
  });
  return `# Configuration

Generated from \`src/config/config.schema.ts\` by \`npm run docs:config\`; a test checks it is current.
Lore reads these once at start-up and lists every problem together. A CLI option (\`--data-dir\`,
\`--port\`, ...) beats the variable, and error messages name both.

| variable | default | meaning |
|---|---|---|
${rows.join('\n')}
`;
}
