import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { findMissingModelFiles } from '../../adapters/providers/embed/local-onnx.embedder.js';
import {
  checkGgufFile,
  LocalGgufLanguageModel,
} from '../../adapters/providers/llm/local-gguf.language-model.js';
import { LocalCrossEncoderReranker } from '../../adapters/providers/rerank/local-cross-encoder.reranker.js';
import type { LoreApp } from '../../app/create-app.js';
import { createProfileEmbedder, embeddingProfiles } from '../../app/providers.js';
import type { LoreConfig } from '../../config/config.schema.js';
import { loadConfig } from '../../config/load-config.js';
import { chatProvider } from '../../config/provider-settings.js';
import { LoreError } from '../../core/errors.js';
import { EmbeddingGenerations } from '../../core/index-generation/embedding-generations.service.js';
import { EmbeddingGenerationRunner } from '../../worker/embedding-generation.runner.js';
import { type GlobalOptions, withApp } from '../context.js';
import { Progress } from '../progress.js';
import { reindexSearch } from './search-reindex.js';

/** One configured model and what checking it found. */
export interface ModelReport {
  role: string;
  provider: string;
  model: string;
  /** Where the credentials come from (variable names, never values). */
  credentials?: string;
  status: 'ok' | 'invalid' | 'unchecked';
  detail?: string;
}

const keyVariables: Record<string, [keyof LoreConfig, string][]> = {
  openai: [['openaiApiKey', 'OPENAI_API_KEY']],
  azure: [['azureApiKey', 'AZURE_API_KEY']],
  anthropic: [['anthropicApiKey', 'ANTHROPIC_API_KEY']],
  google: [['googleApiKey', 'GOOGLE_GENERATIVE_AI_API_KEY']],
  cohere: [['cohereApiKey', 'COHERE_API_KEY']],
  mistral: [['mistralApiKey', 'MISTRAL_API_KEY']],
  groq: [['groqApiKey', 'GROQ_API_KEY']],
};

/** `lore models`: what is configured per role, validated; `lore reindex`: switch embedding generations now (`--search`: rebuild the OpenSearch index). */
export function registerModels(program: Command, global: () => GlobalOptions): void {
  program
    .command('models')
    .description('list the configured chat, embedding and rerank models and check local model files')
    .option('--load', 'also load local models (ONNX folders, GGUF files) to prove they work')
    .option('--json', 'print the report as JSON')
    .action(async (options: { load?: boolean; json?: boolean }) => {
      const config = loadConfig(process.env, global().dataDir ? { dataDir: global().dataDir } : {});
      const reports = await checkModels(config, options.load ?? false);
      if (options.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
      else printReports(reports);
      if (reports.some((report) => report.status === 'invalid')) process.exitCode = 1;
    });

  program
    .command('reindex')
    .description(
      'build the embedding index generation of LORE_EMBEDDING_PROFILE (or --profile) now, then switch to it',
    )
    .option('--profile <name>', 'embedding profile to build (default: LORE_EMBEDDING_PROFILE)')
    .option('--collection <name>', 'switch only this collection to --profile (per-collection embedding)')
    .option(
      '--search',
      'instead: build the OpenSearch index (LORE_SEARCH_URL) of the active generation from the database, then swap it in',
    )
    .action(async (options: { profile?: string; collection?: string; search?: boolean }) => {
      await withApp(global(), async (app) => {
        if (options.search) {
          await reindexSearch(app);
          return;
        }
        const profile = options.profile ?? app.config.embeddingProfile;
        if (options.collection !== undefined) {
          await reindexCollection(app, options.collection, profile);
          return;
        }
        const generations = new EmbeddingGenerations({
          store: app.store,
          queue: app.queue,
          embedderFor: (name) => createProfileEmbedder(app.config, name),
        });
        await generations.reconcile(profile);
        await generations.requestBuild(profile);
        const progress = new Progress(`embedding generation ${profile}`);
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        await new EmbeddingGenerationRunner(app.queue, generations, {
          leaseMs: 60_000,
          onProgress: (done, total) => progress.update(done, total, 'chunks'),
        }).drain(controller.signal);
        progress.clear();
        const state = await generations.state();
        process.stdout.write(
          `active generation: ${state.active?.profile} (${state.active?.embedderId})` +
            (state.retired[0]
              ? `; dropped ${state.retired[0].embedderId} (${state.retired[0].deletedVectors} vectors)`
              : '') +
            '\n',
        );
      });
    });
}

/** `lore reindex --collection NAME --profile P`: builds that collection's generation now, then switches it. */
async function reindexCollection(app: LoreApp, name: string, profile: string): Promise<void> {
  const collections = app.collectionEmbeddings;
  if (!app.generations || !collections)
    throw new LoreError(
      'invalid_config',
      'No embedder is configured (LORE_EMBEDDER or LORE_EMBEDDING_PROFILES).',
    );
  const collection = await app.store.getCollectionByName(name);
  if (!collection) throw new LoreError('not_found', `No collection named "${name}".`);
  await collections.requestChange(collection, profile);
  const progress = new Progress(`embedding ${name} with ${profile}`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  await new EmbeddingGenerationRunner(app.queue, app.generations, {
    leaseMs: 60_000,
    collections,
    onProgress: (done, total) => progress.update(done, total, 'chunks'),
  }).drain(controller.signal);
  progress.clear();
  const state = await collections.state(collection.id);
  process.stdout.write(
    `${name}: ${state.active?.profile ?? profile} (${state.active?.embedderId ?? '?'})` +
      (state.retired
        ? `; dropped ${state.retired.embedderId} (${state.retired.deletedVectors} vectors)`
        : '') +
      '\n',
  );
}

/** Checks every configured model: settings present, local files valid (and loadable with `load`). */
export async function checkModels(config: LoreConfig, load: boolean): Promise<ModelReport[]> {
  const reports: ModelReport[] = [];
  const provider = chatProvider(config);
  const chatRoles: [string, string | undefined, string | undefined][] = [
    ['chat (large)', provider, provider === 'local-gguf' ? config.llmModelPath : config.llmModel],
    [
      'chat (small)',
      config.llmSmallModel ? (config.llmSmallProvider ?? provider) : undefined,
      config.llmSmallModel,
    ],
    [
      'chat (fallback)',
      config.llmFallbackModel ? (config.llmFallbackProvider ?? provider) : undefined,
      config.llmFallbackModel,
    ],
  ];
  for (const [role, name, model] of chatRoles) {
    if (!name || name === 'none') continue;
    if (name === 'local-gguf') reports.push(await checkGguf(role, model ?? '', load));
    else reports.push(remote(role, name, model ?? '', config));
  }
  if (provider === 'none')
    reports.push({ role: 'chat', provider: 'none', model: '-', status: 'ok', detail: 'extractive answers' });

  for (const [name, profile] of Object.entries(embeddingProfiles(config))) {
    const role = `embedding (${name}${name === config.embeddingProfile ? ', configured' : ''})`;
    if (profile.provider === 'local-onnx') {
      reports.push(
        await checkOnnxFolder(role, profile.modelPath ?? '', load, () =>
          createProfileEmbedder(config, name).embed(['probe'], 'query'),
        ),
      );
    } else reports.push(remote(role, profile.provider, profile.model ?? '', config));
  }
  if (config.reranker === 'local-onnx') {
    const folder = config.rerankModelPath ?? '';
    reports.push(
      await checkOnnxFolder('rerank', folder, load, () =>
        new LocalCrossEncoderReranker({ folder }).rerank('probe', ['probe']),
      ),
    );
  } else if (config.reranker !== 'none') {
    reports.push(remote('rerank', config.reranker, config.rerankModel ?? '', config));
  }
  return reports;
}

function remote(role: string, provider: string, model: string, config: LoreConfig): ModelReport {
  const keys = keyVariables[provider] ?? [];
  const present = keys.filter(([key]) => config[key] !== undefined).map(([, variable]) => variable);
  const credentials =
    provider === 'bedrock'
      ? `AWS default credential chain, region ${config.awsRegion ?? '(AWS_REGION unset)'}`
      : provider === 'vertex'
        ? 'Google Application Default Credentials'
        : keys.length === 0
          ? 'none needed'
          : present.length > 0
            ? `from ${present.join(', ')}`
            : `missing: set ${keys.map(([, variable]) => variable).join(' or ')} (or its _FILE variant)`;
  const missingKey = keys.length > 0 && present.length === 0;
  return {
    role,
    provider,
    model,
    credentials,
    status: missingKey ? 'invalid' : 'unchecked',
    detail: missingKey ? 'no API key' : 'remote: not called (no network check)',
  };
}

async function checkGguf(role: string, path: string, load: boolean): Promise<ModelReport> {
  const base = { role, provider: 'local-gguf', model: path };
  const problem = await checkGgufFile(path);
  if (problem) return { ...base, status: 'invalid', detail: problem };
  if (!load) return { ...base, status: 'ok', detail: 'GGUF header valid (use --load to load it)' };
  const model = new LocalGgufLanguageModel({ modelPath: path });
  try {
    await model.load();
    return { ...base, status: 'ok', detail: 'loaded with llama.cpp (CPU)' };
  } catch (error) {
    return { ...base, status: 'invalid', detail: (error as Error).message };
  } finally {
    await model.close();
  }
}

async function checkOnnxFolder(
  role: string,
  folder: string,
  load: boolean,
  probe: () => Promise<unknown>,
): Promise<ModelReport> {
  const base = { role, provider: 'local-onnx', model: folder };
  if (!existsSync(folder)) return { ...base, status: 'invalid', detail: `${folder} does not exist` };
  const missing = await findMissingModelFiles(folder);
  if (missing.length > 0) return { ...base, status: 'invalid', detail: `missing ${missing.join(', ')}` };
  if (!load) return { ...base, status: 'ok', detail: 'files present (use --load to run it)' };
  try {
    await probe();
    return { ...base, status: 'ok', detail: 'loaded and ran with transformers.js' };
  } catch (error) {
    return { ...base, status: 'invalid', detail: LoreError.is(error) ? error.message : String(error) };
  }
}

function printReports(reports: ModelReport[]): void {
  for (const report of reports) {
    const mark = report.status === 'invalid' ? '✗' : report.status === 'ok' ? '✓' : '·';
    process.stdout.write(`${mark} ${report.role}: ${report.provider} ${report.model}\n`);
    if (report.credentials) process.stdout.write(`    credentials: ${report.credentials}\n`);
    if (report.detail) process.stdout.write(`    ${report.detail}\n`);
  }
}
