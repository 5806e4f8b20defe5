import { resolve } from 'node:path';
import { LoreError } from '../core/errors.js';
import { configSchema, envNames, type LoreConfig } from './config.schema.js';
import { httpConfigProblems } from './http-config.schema.js';
import { identityConfigProblems } from './identity-config.schema.js';
import { providerProblems } from './provider-settings.js';
import { withSecretFiles } from './secret-files.js';

/** Where a value came from, for messages that name the right knob. */
type Origin = { kind: 'option'; name: string } | { kind: 'env'; name: string };

/**
 * Reads the config once: CLI options beat environment variables. Every problem is listed in one
 * LoreError('invalid_config'), each naming the option and the variable involved.
 *
 * @example loadConfig(process.env, { port: '8080' })
 */
export function loadConfig(
  environment: NodeJS.ProcessEnv,
  options: Partial<Record<keyof LoreConfig, unknown>> = {},
): LoreConfig {
  const env = withSecretFiles(environment);
  const raw: Record<string, unknown> = {};
  const origins: Partial<Record<keyof LoreConfig, Origin>> = {};
  for (const [key, names] of Object.entries(envNames) as [keyof LoreConfig, string[]][]) {
    const option = options[key];
    if (option !== undefined) {
      raw[key] = option;
      origins[key] = { kind: 'option', name: `--${kebab(key)}` };
      continue;
    }
    const name = names.find((candidate) => env[candidate] !== undefined && env[candidate] !== '');
    if (name) {
      raw[key] = env[name];
      origins[key] = { kind: 'env', name };
    }
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '') as keyof LoreConfig;
      const origin = origins[key];
      const where = origin
        ? origin.kind === 'option'
          ? `${origin.name} (overrides ${envNames[key]?.[0] ?? 'its variable'})`
          : origin.name
        : (envNames[key]?.[0] ?? key);
      return `${where}: ${issue.message}`;
    });
    throw new LoreError('invalid_config', `invalid configuration:\n  - ${problems.join('\n  - ')}`, {
      details: { problems },
    });
  }
  const config = { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
  checkCombinations(config);
  return config;
}

function checkCombinations(config: LoreConfig): void {
  const problems: string[] = [];
  if (config.embedder === 'openai-compatible') {
    if (!config.embeddingBaseUrl)
      problems.push('LORE_EMBEDDING_BASE_URL is required when LORE_EMBEDDER=openai-compatible');
    if (!config.embeddingModel)
      problems.push('LORE_EMBEDDING_MODEL is required when LORE_EMBEDDER=openai-compatible');
  }
  if (config.embedder === 'local-onnx' && !config.embeddingModelPath) {
    problems.push('LORE_EMBEDDING_MODEL_PATH is required when LORE_EMBEDDER=local-onnx');
  }
  if (config.llmBaseUrl && !config.llmModel)
    problems.push('LORE_LLM_MODEL is required when LORE_LLM_BASE_URL is set');
  problems.push(...providerProblems(config));
  problems.push(...identityConfigProblems(config));
  problems.push(...httpConfigProblems(config));
  if (config.chunkOverlapTokens >= config.chunkTokens) {
    problems.push('LORE_CHUNK_OVERLAP_TOKENS must be smaller than LORE_CHUNK_TOKENS');
  }
  if (problems.length > 0) {
    throw new LoreError('invalid_config', `invalid configuration:\n  - ${problems.join('\n  - ')}`, {
      details: { problems },
    });
  }
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
