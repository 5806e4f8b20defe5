import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { LoreApp } from '../../app/create-app.js';
import { toLoreError } from '../../core/errors.js';
import { requireScope } from '../../core/identity/access.service.js';
import { type AppEnv, principalOf } from '../http-env.js';
import { commonErrors, signedIn } from '../openapi.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const tags = ['settings'];

const ProviderSchema = z.object({ configured: z.boolean(), id: z.string().optional() });
const SettingsSchema = z
  .object({
    config: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'effective settings; secrets show as "(set)"' }),
    providers: z.object({ llm: ProviderSchema, embedder: ProviderSchema }),
    storage: z.enum(['sqlite', 'postgres']),
  })
  .openapi('Settings');
const ProbeSchema = z.object({
  configured: z.boolean(),
  id: z.string().optional(),
  ok: z.boolean(),
  latencyMs: z.number().optional(),
  detail: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

const getSettings = createRoute({
  method: 'get',
  path: '/api/v1/settings',
  tags,
  summary: 'Effective configuration without secrets, and the configured providers (administrators)',
  security: signedIn,
  responses: { 200: json(SettingsSchema, 'Settings'), ...commonErrors },
});
const testProviders = createRoute({
  method: 'post',
  path: '/api/v1/settings/providers/test',
  tags,
  summary:
    'Call the configured embedder and chat model once with a tiny input; latency or the error (administrators)',
  security: signedIn,
  responses: {
    200: json(
      z.object({ llm: ProbeSchema, embedder: ProbeSchema }).openapi('ProviderTest'),
      'Outcome per provider',
    ),
    ...commonErrors,
  },
});

const secretName = /key|secret|password|token/i;

/** Configuration values safe to show: secrets replaced by "(set)", credentials removed from URLs. */
export function publicConfig(config: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) {
    if (value === undefined) continue;
    if (secretName.test(name) && !/File$|Path$|tokens?$/i.test(name)) {
      shown[name] = '(set)';
    } else if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i.test(value)) {
      shown[name] = value.replace(/\/\/[^/@\s]+@/, '//***@');
    } else shown[name] = value;
  }
  return shown;
}

/** What these routes use of the app. */
export type SettingsRouteDependencies = Pick<LoreApp, 'config' | 'embedder' | 'languageModel'>;

/** Settings for the admin page: effective config and a provider test button. */
export function registerSettingsRoutes(router: OpenAPIHono<AppEnv>, app: SettingsRouteDependencies): void {
  router.openapi(getSettings, async (c) => {
    requireScope(principalOf(c), 'admin');
    return c.json(
      {
        config: publicConfig(app.config as unknown as Record<string, unknown>),
        providers: {
          llm: {
            configured: Boolean(app.languageModel),
            ...(app.languageModel ? { id: app.languageModel.id } : {}),
          },
          embedder: { configured: Boolean(app.embedder), ...(app.embedder ? { id: app.embedder.id } : {}) },
        },
        storage: app.config.databaseUrl ? ('postgres' as const) : ('sqlite' as const),
      },
      200,
    );
  });

  router.openapi(testProviders, async (c) => {
    requireScope(principalOf(c), 'admin');
    const [llm, embedder] = await Promise.all([probeLanguageModel(app), probeEmbedder(app)]);
    return c.json({ llm, embedder }, 200);
  });
}

async function timed(
  id: string | undefined,
  work: (signal: AbortSignal) => Promise<string>,
): Promise<z.infer<typeof ProbeSchema>> {
  if (id === undefined) return { configured: false, ok: false, detail: 'not configured' };
  const started = performance.now();
  try {
    const detail = await work(AbortSignal.timeout(20_000));
    return { configured: true, id, ok: true, latencyMs: Math.round(performance.now() - started), detail };
  } catch (error) {
    const problem = toLoreError(error);
    return {
      configured: true,
      id,
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: { code: problem.code, message: problem.message },
    };
  }
}

function probeLanguageModel(app: SettingsRouteDependencies) {
  const model = app.languageModel;
  return timed(model?.id, async (signal) => {
    if (!model) return '';
    const stream = model.stream({
      messages: [{ role: 'user', content: 'Reply with the single word: ready' }],
      maxOutputTokens: 8,
      temperature: 0,
      signal,
    });
    let text = '';
    for await (const delta of stream.textStream) text += delta;
    return `answered “${text.trim().slice(0, 40)}”`;
  });
}

function probeEmbedder(app: SettingsRouteDependencies) {
  const embedder = app.embedder;
  return timed(embedder?.id, async (signal) => {
    if (!embedder) return '';
    const [vector] = await embedder.embed(['Lore provider test'], 'query', signal);
    return `${vector?.length ?? 0} dimensions`;
  });
}
