import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import { LoreError } from '../../../core/errors.js';
import type { Embedder, EmbeddingPurpose } from '../../../ports/embedder.port.js';
import { importOptional } from '../../optional-module.js';

/** Files a sentence-embedding model folder must contain, relative to the folder. */
export const requiredModelFiles = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
] as const;

/** Options for {@link LocalOnnxEmbedder}. */
export interface LocalOnnxEmbedderOptions {
  /** Model folder holding {@link requiredModelFiles}; nothing is ever downloaded. */
  folder: string;
  /** Prepended to queries, e.g. `query: ` for e5 models. */
  queryPrefix?: string;
  /** Prepended to documents, e.g. `passage: ` for e5 models. */
  documentPrefix?: string;
  /** Texts per inference run; default 32. */
  maxBatchSize?: number;
}

/** Lists the required files missing from a model folder (all of them when the folder is absent). */
export async function findMissingModelFiles(folder: string): Promise<string[]> {
  const missing: string[] = [];
  for (const file of requiredModelFiles) {
    const found = await stat(join(folder, file)).then(
      (info) => info.isFile(),
      () => false,
    );
    if (!found) missing.push(file);
  }
  return missing;
}

/**
 * An Embedder that runs a sentence-embedding ONNX model from a local folder with transformers.js
 * (mean pooling, L2-normalised). The model loads lazily, once, on first use.
 *
 * @example
 * const embedder = new LocalOnnxEmbedder({ folder: '/models/multilingual-e5-small', queryPrefix: 'query: ', documentPrefix: 'passage: ' });
 * const [vector] = await embedder.embed(['hello'], 'query');
 */
export class LocalOnnxEmbedder implements Embedder {
  readonly id: string;
  readonly maxBatchSize: number;
  private readonly folder: string;
  private loading: Promise<FeatureExtractionPipeline> | undefined;
  private knownDimension: number | undefined;

  constructor(private readonly options: LocalOnnxEmbedderOptions) {
    this.folder = resolve(options.folder);
    this.id = `local-onnx:${basename(this.folder)}`;
    const batch = options.maxBatchSize ?? 32;
    if (!Number.isInteger(batch) || batch <= 0) {
      throw new LoreError('invalid_config', `maxBatchSize must be a positive integer (got ${batch}).`);
    }
    this.maxBatchSize = batch;
  }

  /** Vector length, measured once by embedding a short probe text. */
  async dimension(): Promise<number> {
    if (this.knownDimension === undefined) await this.embed(['dimension probe'], 'document');
    return this.knownDimension ?? 0;
  }

  async embed(
    texts: readonly string[],
    purpose: EmbeddingPurpose,
    signal?: AbortSignal,
  ): Promise<Float32Array[]> {
    throwIfCancelled(signal);
    if (texts.length === 0) return [];
    const extractor = await this.pipeline();
    const prefix = (purpose === 'query' ? this.options.queryPrefix : this.options.documentPrefix) ?? '';
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.maxBatchSize) {
      throwIfCancelled(signal);
      const batch = texts.slice(start, start + this.maxBatchSize).map((text) => prefix + text);
      vectors.push(...(await this.run(extractor, batch)));
    }
    return vectors;
  }

  private async run(extractor: FeatureExtractionPipeline, batch: string[]): Promise<Float32Array[]> {
    let output: Awaited<ReturnType<FeatureExtractionPipeline['_call']>>;
    try {
      output = await extractor(batch, { pooling: 'mean', normalize: true });
    } catch (error) {
      throw new LoreError(
        'provider_error',
        `The local model ${this.id} failed to embed: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    const [rows, dimension] = output.dims;
    if (rows !== batch.length || dimension === undefined || !(output.data instanceof Float32Array)) {
      throw new LoreError(
        'provider_error',
        `The local model ${this.id} returned an output of shape [${output.dims}].`,
      );
    }
    this.knownDimension ??= dimension;
    const data = output.data;
    return Array.from({ length: rows }, (_, row) => data.slice(row * dimension, (row + 1) * dimension));
  }

  /** Loads the pipeline once; concurrent first calls share one load, and a failed load can be retried. */
  private pipeline(): Promise<FeatureExtractionPipeline> {
    this.loading ??= loadPipeline(this.folder).catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }
}

/** transformers.js reads `env` while files load, so loads from different folders run one at a time. */
let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs a transformers.js load for a local model folder with remote downloads disabled, one load at a
 * time (shared with the local cross-encoder reranker). `load` receives the id to pass to
 * `from_pretrained` / `pipeline` with `local_files_only: true`.
 */
export async function loadLocalModel<T>(
  folder: string,
  load: (modelId: string, transformers: typeof import('@huggingface/transformers')) => Promise<T>,
): Promise<T> {
  const run = loadQueue.then(async () => {
    const transformers = await importOptional(
      () => import('@huggingface/transformers'),
      '@huggingface/transformers',
      'A local ONNX model',
    );
    transformers.env.allowRemoteModels = false;
    transformers.env.allowLocalModels = true;
    transformers.env.localModelPath = `${dirname(folder)}/`;
    const name = basename(folder);
    // Names transformers.js would not accept as a model id are read as paths instead (e.g. `models--org--name`).
    return load(isHubStyleName(name) ? name : folder, transformers);
  });
  loadQueue = run.catch(() => undefined);
  return run;
}

async function loadPipeline(folder: string): Promise<FeatureExtractionPipeline> {
  const missing = await findMissingModelFiles(folder);
  if (missing.length > 0) {
    throw new LoreError(
      'invalid_config',
      `The embedding model folder ${folder} is missing ${missing.join(', ')}. ` +
        `A model folder needs ${requiredModelFiles.join(', ')} (for example an ONNX export of a sentence-transformers model).`,
      { details: { folder, missing } },
    );
  }
  const run = loadLocalModel(folder, (modelId, { pipeline }) =>
    pipeline('feature-extraction', modelId, { local_files_only: true, dtype: 'fp32', device: 'cpu' }),
  );
  try {
    return (await run) as FeatureExtractionPipeline;
  } catch (error) {
    throw new LoreError(
      'invalid_config',
      `The embedding model in ${folder} could not be loaded: ${messageOf(error)}`,
      {
        cause: error,
        details: { folder },
      },
    );
  }
}

/** Mirrors transformers.js' model-id check: such names are joined to `env.localModelPath`. */
function isHubStyleName(name: string): boolean {
  return (
    /^\w(?:[\w.-]{0,94}\w)?$/.test(name) &&
    !name.includes('..') &&
    !name.includes('--') &&
    !name.endsWith('.git') &&
    !name.endsWith('.ipynb')
  );
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LoreError('cancelled', 'The embedding request was cancelled.');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
